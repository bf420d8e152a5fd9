package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static io.starling.storage.mapdb.OpenStore.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.MessageProperties;
import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapDbMessageQueueStoreTest {

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
    void aMessageForManyClientsIsStoredOnceAndDeletedWithItsLastReference() throws Exception {
        StoredMessage message = message(7, "a/b", "hello");
        await(store.queues.append(message, List.of(new DeliveryTarget("c1", 1), new DeliveryTarget("c2", 2)), null));

        assertEquals(1, storedMessages());
        QueuedMessage forC2 = store.queues.load("c2").get(0);
        assertEquals(2, forC2.qos());
        assertArrayEquals(message.payload(), forC2.message().payload());
        assertEquals(message.topic(), forC2.message().topic());
        assertEquals(message.timestamp(), forC2.message().timestamp());

        await(store.queues.remove("c1", 7));
        assertEquals(1, storedMessages());
        await(store.queues.remove("c2", 7));
        assertEquals(0, storedMessages());
        assertEquals(0, (int) store.writer.read(tables -> tables.references.size()));
    }

    /**
     * A client that acknowledges an entry before the writer applied its append (the writer is
     * held here): that entry is never written, the other client's is, and the append still
     * completes (the publisher's acknowledgement waits for it as before).
     */
    @Test
    void anEntryAcknowledgedBeforeItsAppendIsAppliedIsNeverWritten() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletionStage<Void> held = holdWriter(release);
        CompletionStage<Void> appended = store.queues.append(
                message(9, "a/b", "fast"), List.of(new DeliveryTarget("fast", 1), new DeliveryTarget("slow", 1)), null);
        CompletionStage<Void> removed = store.queues.remove("fast", 9);
        assertTrue(removed.toCompletableFuture().isDone(), "nothing to remove: the entry was not written");
        release.countDown();
        await(held);
        await(appended);

        assertTrue(store.queues.load("fast").isEmpty());
        assertEquals(1, store.queues.load("slow").size());
        assertEquals(1, (int) store.writer.read(tables -> tables.references.get(9L)));
        await(store.queues.remove("slow", 9));
        assertEquals(0, storedMessages());
    }

    /**
     * An entry sent before the writer applied its append (held here) is written with its packet
     * id by the append: the sent mark is no writer task of its own, and the id survives.
     */
    @Test
    void anEntrySentBeforeItsAppendIsAppliedIsWrittenWithItsPacketId() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CompletionStage<Void> held = holdWriter(release);
        CompletionStage<Void> appended = store.queues.append(
                message(9, "a/b", "x"), List.of(new DeliveryTarget("sent", 1), new DeliveryTarget("waiting", 1)), null);
        CompletionStage<Void> marked = store.queues.markSent("sent", 9, 42);
        assertTrue(marked.toCompletableFuture().isDone(), "folded into the append");
        release.countDown();
        await(held);
        await(appended);

        assertEquals(new QueuedState(42, false), state("sent"));
        assertEquals(new QueuedState(0, false), state("waiting"));
        await(store.queues.markSent("waiting", 9, 7));
        assertEquals(new QueuedState(7, false), state("waiting"));
        store.close();
        store = OpenStore.open(directory);
        assertEquals(new QueuedState(42, false), state("sent"));
    }

    /** A writer task that keeps the writer busy until {@code release} opens. */
    private CompletionStage<Void> holdWriter(CountDownLatch release) {
        return store.writer.update(tables -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void queuedMessagesComeBackInAppendOrderNotIdOrder() throws Exception {
        for (long id : new long[] {30, 10, 20}) {
            await(store.queues.append(message(id, "t", "m" + id), List.of(new DeliveryTarget("c", 1)), null));
        }
        List<Long> ids = store.queues.load("c").stream()
                .map(queued -> queued.message().id())
                .toList();
        assertEquals(List.of(30L, 10L, 20L), ids);
    }

    @Test
    void sentAndReleasedStateIsKeptPerClient() throws Exception {
        await(store.queues.append(
                message(1, "t", "x"), List.of(new DeliveryTarget("c1", 2), new DeliveryTarget("c2", 2)), null));
        await(store.queues.markSent("c1", 1, 42));
        assertEquals(new QueuedState(42, false), state("c1"));
        assertEquals(new QueuedState(0, false), state("c2"));

        await(store.queues.markReleased("c1", 1));
        assertEquals(new QueuedState(42, true), state("c1"));
    }

    @Test
    void changesToUnknownEntriesAreIgnored() throws Exception {
        await(store.queues.markSent("nobody", 5, 1));
        await(store.queues.markReleased("nobody", 5));
        await(store.queues.remove("nobody", 5));
        assertEquals(List.of(), store.queues.load("nobody"));
    }

    @Test
    void theInboundQos2ReceiptIsWrittenWithTheMessage() throws Exception {
        await(store.queues.append(
                message(1, "t", "x"), List.of(new DeliveryTarget("sub", 2)), new InboundQos2Receipt("pub", 17)));
        assertEquals(Set.of(17), store.queues.loadInboundQos2("pub"));

        await(store.queues.releaseInboundQos2("pub", 17));
        assertEquals(Set.of(), store.queues.loadInboundQos2("pub"));
    }

    @Test
    void aReceiptWithoutTargetsIsStoredToo() throws Exception {
        await(store.queues.append(message(1, "nobody/listens", "x"), List.of(), new InboundQos2Receipt("pub", 3)));
        assertEquals(Set.of(3), store.queues.loadInboundQos2("pub"));
        assertEquals(0, storedMessages());
    }

    @Test
    void appendingTheSameMessageTwiceForAClientKeepsOneEntry() throws Exception {
        StoredMessage message = message(1, "t", "x");
        await(store.queues.append(message, List.of(new DeliveryTarget("c", 1)), null));
        await(store.queues.append(message, List.of(new DeliveryTarget("c", 1)), null));
        assertEquals(1, store.queues.load("c").size());
        await(store.queues.remove("c", 1));
        assertTrue(store.queues.load("c").isEmpty());
        assertEquals(0, storedMessages());
    }

    /**
     * The queued copies of a message whose Message Expiry passed are removed before their turn
     * comes (asked for a given moment, as the periodic pass does with the clock), counted; one
     * already sent stays until its flow completes.
     */
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
        assertEquals(1, storedMessages(), "only the lasting message");
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

    private int storedMessages() {
        return store.writer.read(tables -> tables.messages.size());
    }

    private QueuedState state(String clientId) {
        QueuedMessage queued = store.queues.load(clientId).get(0);
        return new QueuedState(queued.packetId(), queued.released());
    }

    private record QueuedState(int packetId, boolean released) {}
}
