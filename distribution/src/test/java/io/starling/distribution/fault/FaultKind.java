package io.starling.distribution.fault;

/** What the fault run's scheduler injects; {@code -Dfault.kinds} picks a subset (all by default). */
public enum FaultKind {
    /** A client connects directly to a random node with its id while (subscribers) or right after (publishers) its connection elsewhere. */
    TAKEOVER,
    /** {@code kill -9} of a node, restarted with its data directory. */
    KILL,
    /** SIGSTOP of a node past the member timeout, then SIGCONT: it finds itself alone and is merged back. */
    FREEZE,
    /** Every node in turn: SIGTERM, restart, wait until it sees all members again. */
    ROLLING_RESTART,
    /** Issue 25: a subscriber disconnects cleanly (session kept) and comes back through HAProxy later. */
    OFFLINE;

    /** Whether the node track (one node fault at a time) injects it; the others are the client track's. */
    boolean onNodes() {
        return this == KILL || this == FREEZE || this == ROLLING_RESTART;
    }
}
