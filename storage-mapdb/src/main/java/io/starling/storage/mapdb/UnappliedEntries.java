package io.starling.storage.mapdb;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Queue entries whose append waits for the writer thread. What happens to such an entry before
 * the writer applies the append is folded into it instead of becoming writer work of its own:
 * <ul>
 * <li>sent to the client: the entry is written with its packet id (no separate update, which
 * would be a second tree operation in the same or the next commit);
 * <li>acknowledged by the client: the entry is never written, nor later removed. With a
 * subscriber as fast as the commit, that is most QoS 1 entries. Nothing is lost by it: the
 * append still completes with the next commit, so the publisher is acknowledged as before, and
 * a crash before that commit leaves the publisher to resend, as it would have. QoS 2 entries
 * are never skipped: their PUBCOMP comes after a PUBREL that waits for a commit holding the entry.
 * </ul>
 */
final class UnappliedEntries {

    /** What {@link #apply} says of an entry its client acknowledged: not to write it. */
    static final int ACKNOWLEDGED = -1;

    private static final int NOT_SENT = 0;

    private record Key(String clientId, long messageId) {}

    /** Entry to {@link #NOT_SENT}, the packet id it was sent with, or {@link #ACKNOWLEDGED}. */
    private final Map<Key, Integer> pending = new ConcurrentHashMap<>();

    /** An append of the entry is queued for the writer. */
    void queued(String clientId, long messageId) {
        pending.put(new Key(clientId, messageId), NOT_SENT);
    }

    /**
     * The entry was sent with the packet id: true if its append is not applied yet (the append
     * writes the packet id), false if the entry is in the tables to be updated.
     */
    boolean sentBeforeApplied(String clientId, long messageId, int packetId) {
        return pending.computeIfPresent(
                        new Key(clientId, messageId), (key, state) -> state == ACKNOWLEDGED ? state : packetId)
                != null;
    }

    /**
     * The client acknowledged the entry: true if its append is not applied yet (it will skip
     * the entry, nothing to remove), false if the entry is in the tables to be removed.
     */
    boolean acknowledgedBeforeApplied(String clientId, long messageId) {
        return pending.replace(new Key(clientId, messageId), ACKNOWLEDGED) != null;
    }

    /**
     * On the writer thread, applying the append: {@link #ACKNOWLEDGED} if the entry is not to
     * be written, else the packet id to write it with (0 while not sent).
     */
    int apply(String clientId, long messageId) {
        Integer state = pending.remove(new Key(clientId, messageId));
        return state == null ? NOT_SENT : state;
    }
}
