package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.MessageProperties;
import io.starling.spi.SessionExpiry;
import io.starling.spi.SessionRecord;
import io.starling.spi.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 properties stored with queued and retained messages (store format 3), and a store of
 * format 2 opened by this version: migrated, its messages without properties and its sessions
 * never expiring.
 */
class MessagePropertiesStorageTest {

    @TempDir
    Path directory;

    private static final MessageProperties PROPERTIES = new MessageProperties(
            1,
            3600,
            "text/plain",
            "reply/to",
            new byte[] {0, 1, 2, (byte) 0xFF},
            List.of(
                    new MessageProperties.UserProperty("b", "2"),
                    new MessageProperties.UserProperty("a", "1"),
                    new MessageProperties.UserProperty("b", "3")));

    private static StoredMessage withProperties(long id, String topic, boolean retain) {
        return new StoredMessage(
                id, topic, 1, retain, "payload".getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, PROPERTIES);
    }

    @Test
    void queuedAndRetainedMessagesKeepTheirPropertiesAcrossARestart() throws Exception {
        try (OpenStore store = OpenStore.open(directory)) {
            await(store.sessions.save(new SessionRecord("c", Map.of("t", 1))));
            await(store.queues.append(withProperties(1, "t", false), List.of(new DeliveryTarget("c", 1)), null));
            await(store.retained.put(withProperties(2, "r", true)));
        }
        try (OpenStore store = OpenStore.open(directory)) {
            assertSameProperties(store.queues.load("c").get(0).message());
            assertSameProperties(List.copyOf(store.retained.loadAll()).get(0));
        }
    }

    @Test
    void aFormat2StoreIsMigratedAndReadsWithoutPropertiesOrExpiry() throws Exception {
        try (OpenStore store = OpenStore.open(directory)) {
            await(store.sessions.save(new SessionRecord("c", Map.of("t", 1))));
            await(store.queues.append(OpenStore.message(1, "t", "old"), List.of(new DeliveryTarget("c", 1)), null));
            await(store.retained.put(OpenStore.message(2, "r", "old retained").withRetain(true)));
            // What a broker of format 2 left: the same records, without the properties or the expiry table's rows.
            store.writer.read(tables -> tables.meta.put(StoreTables.FORMAT_KEY, 2));
        }
        try (OpenStore store = OpenStore.open(directory)) {
            assertEquals(
                    Integer.valueOf(StoreTables.FORMAT),
                    store.writer.<Integer>read(tables -> tables.meta.get(StoreTables.FORMAT_KEY)));
            StoredMessage queued = store.queues.load("c").get(0).message();
            assertEquals("old", new String(queued.payload(), StandardCharsets.UTF_8));
            assertEquals(MessageProperties.NONE, queued.properties());
            assertEquals(
                    MessageProperties.NONE,
                    List.copyOf(store.retained.loadAll()).get(0).properties());
            assertEquals(
                    List.of(new SessionRecord("c", Map.of("t", 1), SessionExpiry.NEVER)),
                    List.copyOf(store.sessions.loadAll()));
        }
    }

    private static void assertSameProperties(StoredMessage message) {
        MessageProperties read = message.properties();
        assertEquals(PROPERTIES.payloadFormatIndicator(), read.payloadFormatIndicator());
        assertEquals(PROPERTIES.messageExpiryInterval(), read.messageExpiryInterval());
        assertEquals(PROPERTIES.contentType(), read.contentType());
        assertEquals(PROPERTIES.responseTopic(), read.responseTopic());
        assertArrayEquals(PROPERTIES.correlationData(), read.correlationData());
        assertEquals(PROPERTIES.userProperties(), read.userProperties());
        assertEquals(1_700_000_000_000L, message.timestamp());
    }
}
