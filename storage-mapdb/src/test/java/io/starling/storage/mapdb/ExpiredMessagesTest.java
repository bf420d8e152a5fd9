package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.MessageProperties;
import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The queued copies of a message whose Message Expiry passed are removed from a real MapDB
 * store before their turn comes (asked for a given moment, as the periodic pass does with the
 * clock), counted; one already sent stays until its flow completes, and the index of expiring
 * copies does not outlive the copies.
 */
class ExpiredMessagesTest {

    private static final long RECEIVED = 1_700_000_000_000L;
    private static final long EXPIRY_SECONDS = 60;

    @TempDir
    Path directory;

    private OpenStore store;

    @BeforeEach
    void open() {
        store = OpenStore.open(directory);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void queuedCopiesAreRemovedOnceExpiredAndSentOnesStay() throws Exception {
        await(store.queues.append(
                expiring(1), List.of(new DeliveryTarget("c1", 1), new DeliveryTarget("c2", 1)), null));
        await(store.queues.append(lasting(2), List.of(new DeliveryTarget("c1", 1)), null));
        await(store.queues.markSent("c2", 1, 5));

        assertEquals(0, removeExpired(RECEIVED + EXPIRY_SECONDS * 1000 - 1), "not expired yet");
        assertEquals(1, removeExpired(RECEIVED + EXPIRY_SECONDS * 1000 + 1), "c1's queued copy");

        assertEquals(List.of(2L), ids(store.queues.load("c1")));
        assertEquals(List.of(1L), ids(store.queues.load("c2")), "sent before it expired: its flow completes");
        assertEquals(1, store.writer.expiredMessagesRemoved());
        assertEquals(0, expiringRows(), "the sent copy's row went too");
        await(store.queues.remove("c2", 1));
        assertEquals(1, (int) store.writer.read(tables -> tables.messages.size()), "only the lasting message");
    }

    @Test
    void copiesAcknowledgedOrDiscardedLeaveNoRowBehind() throws Exception {
        await(store.queues.append(
                expiring(1), List.of(new DeliveryTarget("c1", 1), new DeliveryTarget("c2", 1)), null));
        await(store.queues.remove("c1", 1));
        await(store.sessions.delete("c2"));
        assertEquals(0, expiringRows());
        assertEquals(0, removeExpired(Long.MAX_VALUE));
    }

    @Test
    void aPassRemovesMoreThanOneTaskTakes() throws Exception {
        int count = ExpiredMessages.PER_TASK + 5;
        for (int id = 1; id <= count; id++) {
            store.queues.append(expiring(id), List.of(new DeliveryTarget("c1", 1)), null);
        }
        await(store.queues.append(lasting(count + 1), List.of(new DeliveryTarget("c1", 1)), null));
        assertEquals(count, removeExpired(RECEIVED + EXPIRY_SECONDS * 1000 + 1));
        assertEquals(List.of((long) count + 1), ids(store.queues.load("c1")));
    }

    private int removeExpired(long now) throws Exception {
        return store.queues.removeExpired(now).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private int expiringRows() {
        return store.writer.read(tables -> tables.expiring.size());
    }

    private static List<Long> ids(List<QueuedMessage> queued) {
        return queued.stream().map(q -> q.message().id()).toList();
    }

    private static StoredMessage expiring(long id) {
        return new StoredMessage(
                id,
                "t",
                1,
                false,
                "expires".getBytes(StandardCharsets.UTF_8),
                RECEIVED,
                new MessageProperties(-1, EXPIRY_SECONDS, null, null, null, List.of()));
    }

    private static StoredMessage lasting(long id) {
        return new StoredMessage(id, "t", 1, false, "lasts".getBytes(StandardCharsets.UTF_8), RECEIVED);
    }
}
