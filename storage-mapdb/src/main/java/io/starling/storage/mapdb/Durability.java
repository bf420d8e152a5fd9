package io.starling.storage.mapdb;

/** When a write counts as done: see {@code starling.storage.mapdb.durability} in reference.conf. */
enum Durability {

    /** Done once committed and fsynced; concurrent writes share one commit. */
    ALWAYS,
    /** Done once applied; a commit runs every commit-interval. */
    INTERVAL,
    /** Done once applied; committed only when the store closes. */
    NONE;

    /** Whether a write's future completes when it is applied rather than when it is committed. */
    boolean completesBeforeCommit() {
        return this != ALWAYS;
    }
}
