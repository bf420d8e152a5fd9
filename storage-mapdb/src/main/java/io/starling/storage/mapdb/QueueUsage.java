package io.starling.storage.mapdb;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mapdb.BTreeMap;

/**
 * The bytes each client's stored queue takes and their total, as the queue limits count them:
 * every entry is charged its message's encoded size plus {@link #ENTRY_OVERHEAD} (a message
 * queued for several clients is stored once but charged to each). Kept in memory so that the
 * limits are checked without touching the store, and written to the store's usage table at
 * each commit, so start-up reads one row per client instead of every queue. Changed on the
 * writer thread only; read from any thread.
 */
final class QueueUsage {

    /**
     * What a queued message costs on disk besides its encoded form: its entry, its reference
     * count, tree nodes and record headers (StoreFootprintTest: about 420 bytes in all for a
     * 100-byte payload on a 38-byte topic, whose encoded form is 164 bytes).
     */
    static final int ENTRY_OVERHEAD = 250;

    private final BTreeMap<String, Long> table;
    private final Map<String, Long> bytes = new ConcurrentHashMap<>();
    /** Clients whose figure changed since the last commit. */
    private final Set<String> changed = new HashSet<>();

    private volatile long total;

    QueueUsage(BTreeMap<String, Long> table) {
        this.table = table;
        reload();
    }

    /** Takes the figures as the store has them (at open, and after a rollback threw away what was added since). */
    void reload() {
        bytes.clear();
        changed.clear();
        long sum = 0;
        for (Map.Entry<String, Long> row : table.entrySet()) {
            bytes.put(row.getKey(), row.getValue());
            sum += row.getValue();
        }
        total = sum;
    }

    void add(String clientId, long delta) {
        bytes.merge(clientId, delta, (a, b) -> a + b == 0 ? null : a + b);
        total += delta;
        changed.add(clientId);
    }

    /** Writes the changed figures into the table: called just before each commit, so they commit with the entries. */
    void persist() {
        for (String clientId : changed) {
            Long value = bytes.get(clientId);
            if (value == null) {
                table.remove(clientId);
            } else {
                table.put(clientId, value);
            }
        }
        changed.clear();
    }

    long of(String clientId) {
        return bytes.getOrDefault(clientId, 0L);
    }

    long total() {
        return total;
    }

    /** The clients with stored entries. */
    Set<String> clients() {
        return bytes.keySet();
    }
}
