package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static io.starling.storage.mapdb.OpenStore.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.QueuePage;
import io.starling.spi.QueueRefusal;
import io.starling.spi.StoredMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store as the queue: reading a client's queue back in pages, and the limits of stored queues in bytes. */
class StoredQueueTest {

    @TempDir
    Path directory;

    @Test
    void aQueueIsReadInPagesByMessageIdWhateverTheOrderOfAppends() throws Exception {
        try (OpenStore store = OpenStore.open(directory)) {
            for (long id : new long[] {3, 1, 2}) {
                await(store.queues.append(message(id, "t", "m" + id), List.of(new DeliveryTarget("c1", 1)), null));
            }
            await(store.queues.markSent("c1", 1, 9));

            QueuePage first = read(store, Long.MIN_VALUE, 2);
            assertEquals(
                    List.of(1L, 2L),
                    first.messages().stream().map(m -> m.message().id()).toList());
            assertEquals(9, first.messages().get(0).packetId());
            assertEquals(2, first.last());
            assertFalse(first.complete());

            QueuePage second = read(store, first.last(), 2);
            assertEquals(
                    List.of(3L),
                    second.messages().stream().map(m -> m.message().id()).toList());
            assertTrue(second.complete());
            assertTrue(read(store, second.last(), 2).messages().isEmpty());
        }
    }

    @Test
    void aClientsQueueAndAllQueuesAreRefusedAtTheirLimitsAndTheFiguresSurviveARestart() throws Exception {
        StoredMessage sample = message(1, "t", "payload");
        long entry = MessageCodec.sizeOf(sample) + QueueUsage.ENTRY_OVERHEAD;
        try (OpenStore store = OpenStore.withQueueLimits(directory, 2 * entry, 3 * entry)) {
            await(store.queues.append(sample, List.of(new DeliveryTarget("c1", 1)), null));
            await(store.queues.append(message(2, "t", "payload"), List.of(new DeliveryTarget("c1", 1)), null));
            QueueRefusal full = store.queues.refuse("c1", message(3, "t", "payload"));
            assertEquals("client", full.limit(), full.reason());
            assertNull(store.queues.refuse("c2", message(3, "t", "payload")));

            await(store.queues.append(message(3, "t", "payload"), List.of(new DeliveryTarget("c2", 1)), null));
            assertEquals(
                    "total",
                    store.queues.refuse("c2", message(4, "t", "payload")).limit());
            assertEquals(3 * entry, store.writer.queuedBytes());
        }
        try (OpenStore store = OpenStore.withQueueLimits(directory, 2 * entry, 3 * entry)) {
            assertEquals(3 * entry, store.writer.queuedBytes());
            assertEquals(
                    "client",
                    store.queues.refuse("c1", message(4, "t", "payload")).limit());
            await(store.queues.remove("c1", 1));
            await(store.queues.remove("c2", 3));
            assertNull(store.queues.refuse("c1", message(4, "t", "payload")));
            assertEquals(entry, store.writer.queuedBytes());
        }
    }

    private static QueuePage read(OpenStore store, long after, int max) throws Exception {
        return store.queues.read("c1", after, max).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
