package io.starling.storage.mapdb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store of format 1 to format 2 in one commit: every queue entry gets its size, each
 * client its usage row. Runs once, the first time a newer broker
 * opens an older store; a crash before its commit leaves the store at format 1, to migrate again.
 */
final class StoreMigration {

    private static final Logger LOG = LoggerFactory.getLogger(StoreMigration.class);

    private StoreMigration() {}

    static void toFormat2(StoreTables tables) {
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
        tables.meta.put(StoreTables.FORMAT_KEY, 2);
        tables.db.commit();
        LOG.info("Migrated the MapDB store to format 2 ({} queue entries sized).", entries.size());
    }
}
