package io.starling.storage.mapdb;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Queue entries whose append waits for the writer thread, so that an entry the client
 * acknowledged before then is never written (nor its later removal): with a subscriber as fast
 * as the commit, that is most QoS 1 entries. Nothing is lost by it: the append still completes
 * with the next commit, so the publisher is acknowledged as before, and a crash before that
 * commit leaves the publisher to resend, as it would have. QoS 2 entries are never skipped:
 * their PUBCOMP comes after a PUBREL that waits for a commit holding the entry.
 */
final class UnappliedEntries {

    private record Key(String clientId, long messageId) {
    }

    /** Entry to whether its client acknowledged it before the writer applied the append. */
    private final Map<Key, Boolean> pending = new ConcurrentHashMap<>();

    /** An append of the entry is queued for the writer. */
    void queued(String clientId, long messageId) {
        pending.put(new Key(clientId, messageId), Boolean.FALSE);
    }

    /**
     * The client acknowledged the entry: true if its append is not applied yet (it will skip
     * the entry, nothing to remove), false if the entry is in the tables to be removed.
     */
    boolean acknowledgedBeforeApplied(String clientId, long messageId) {
        return pending.replace(new Key(clientId, messageId), Boolean.FALSE, Boolean.TRUE);
    }

    /** On the writer thread, applying the append: whether to write the entry. */
    boolean apply(String clientId, long messageId) {
        return !Boolean.TRUE.equals(pending.remove(new Key(clientId, messageId)));
    }
}
