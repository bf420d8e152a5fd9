package io.starling.storage.mapdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an older store to format {@value StoreTables#FORMAT} in one commit. Format 1 to 2: every
 * queue entry gets its size, each client its usage row. Format 2 to 3 rewrites nothing: its
 * message records read as messages without MQTT 5 properties and its sessions as sessions that
 * never expire (the session-expiry table is created empty). Runs once, the first time a newer
 * broker opens an older store; a crash before its commit leaves the store as it was, to migrate again.
 */
final class StoreMigration {

    private static final Logger LOG = LoggerFactory.getLogger(StoreMigration.class);

    private StoreMigration() {}

    static void migrate(StoreTables tables) {
        int from = tables.meta.get(StoreTables.FORMAT_KEY);
        int sized = from < 2 ? sizeQueueEntries(tables) : 0;
        tables.meta.put(StoreTables.FORMAT_KEY, StoreTables.FORMAT);
        tables.db.commit();
        LOG.info(
                "Migrated the MapDB store from format {} to {} ({} queue entries sized).",
                from,
                StoreTables.FORMAT,
                sized);
    }

    private static int sizeQueueEntries(StoreTables tables) {
        List<Map.Entry<Object[], byte[]>> entries = new ArrayList<>(tables.queued.entrySet());
        for (Map.Entry<Object[], byte[]> stored : entries) {
            String clientId = (String) stored.getKey()[0];
            long messageId = (Long) stored.getKey()[1];
            byte[] message = tables.messages.get(messageId);
            QueueEntry entry = QueueEntry.decode(stored.getValue());
            QueueEntry sized = entry.withSize((message == null ? 0 : message.length) + QueueUsage.ENTRY_OVERHEAD);
            tables.queued.put(stored.getKey(), sized.encode());
            tables.usage.add(clientId, sized.size());
        }
        tables.usage.persist();
        return entries.size();
    }
}
