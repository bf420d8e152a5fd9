package io.starling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.config.BrokerConfig.QueueFullPolicy;
import io.starling.metrics.BrokerMetrics;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import io.starling.storage.memory.InMemoryMessageQueueStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * One client's outbound messages, driven directly: the in-flight window, the queue behind it,
 * the queue-full policies and the stored queue's bookkeeping, with a recording link and the
 * in-memory store (no socket, no session thread: {@link Outbound} runs on the caller's).
 */
class OutboundTest {

    private static final String CLIENT = "c";

    private final InMemoryMessageQueueStore store = new InMemoryMessageQueueStore();
    private final BrokerMetrics metrics = new BrokerMetrics();
    private final PushBack pushBack = new PushBack();
    private final RecordingLink link = new RecordingLink();
    private ClientLink current = link;

    /** A window of 2 and a queue of 3 messages or {@code maxBytes} payload bytes. */
    private Outbound outbound(QueueFullPolicy policy, long maxBytes) {
        return outbound(policy, maxBytes, store);
    }

    private Outbound outbound(QueueFullPolicy policy, long maxBytes, MessageQueueStore queues) {
        Outbound.Limits limits = new Outbound.Limits(2, 3, maxBytes, 0, policy, Duration.ofMinutes(1), false, false);
        return new Outbound(
                CLIENT,
                limits,
                queues,
                new DropLog(metrics),
                metrics,
                pushBack,
                new PacketIds(null),
                Runnable::run,
                () -> current);
    }

    private static StoredMessage message(long id) {
        return new StoredMessage(id, "t", 1, false, new byte[10], 0);
    }

    /** Appends the message to the client's stored queue, as the router does for a persistent session. */
    private StoredMessage stored(long id) {
        StoredMessage message = message(id);
        store.append(message, List.of(new DeliveryTarget(CLIENT, 1)), null);
        return message;
    }

    private static List<Long> ids(List<QueuedMessage> messages) {
        return messages.stream().map(m -> m.message().id()).toList();
    }

    @Test
    void sendsUpToTheWindowThenQueuesAndSendsOnAcknowledgement() {
        Outbound outbound = outbound(QueueFullPolicy.DROP_NEWEST, 0);
        for (long id = 1; id <= 4; id++) {
            outbound.deliver(link, message(id), 1, false, false, false);
        }
        assertEquals(List.of("PUBLISH m1 q1 dup=false", "PUBLISH m2 q1 dup=false"), link.sent());
        assertFalse(outbound.acknowledged(link.packetId(0), 2), "PUBCOMP for a QoS 1 message");
        assertTrue(outbound.acknowledged(link.packetId(0), 1));
        outbound.pump(link);
        assertEquals("PUBLISH m3 q1 dup=false", link.sent().get(2));
        assertEquals(List.of(2L, 3L, 4L), ids(outbound.snapshot()));
        assertEquals(1, metrics.queued());
    }

    @Test
    void dropNewestKeepsTheQueueAndCountsTheDrop() {
        Outbound outbound = outbound(QueueFullPolicy.DROP_NEWEST, 0);
        for (long id = 1; id <= 4; id++) {
            outbound.deliver(null, message(id), 1, true, false, false);
        }
        assertEquals(List.of(1L, 2L, 3L), ids(outbound.snapshot()));
        assertEquals(1, metrics.dropped(1));
    }

    @Test
    void dropOldestMakesRoomForTheNewest() {
        Outbound outbound = outbound(QueueFullPolicy.DROP_OLDEST, 0);
        for (long id = 1; id <= 4; id++) {
            outbound.deliver(null, message(id), 1, true, false, false);
        }
        assertEquals(List.of(2L, 3L, 4L), ids(outbound.snapshot()));
        assertEquals(1, metrics.dropped(1));
    }

    @Test
    void aMessageLargerThanTheQueueIsRefusedUnderEveryPolicy() {
        Outbound outbound = outbound(QueueFullPolicy.DROP_OLDEST, 15);
        outbound.deliver(null, message(1), 1, true, false, false);
        outbound.deliver(null, new StoredMessage(2, "t", 1, false, new byte[16], 0), 1, true, false, false);
        assertEquals(List.of(1L), ids(outbound.snapshot()));
        assertEquals(1, metrics.dropped(1));
    }

    @Test
    void pushBackQueuesPastTheLimitAndSignalsRoomAtHalf() {
        Outbound outbound = outbound(QueueFullPolicy.PUSH_BACK, 0);
        for (long id = 1; id <= 6; id++) {
            outbound.deliver(link, message(id), 1, false, false, true);
        }
        assertTrue(pushBack.isFull());
        assertEquals(0, metrics.dropped(), "push-back drops nothing acknowledged");
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), ids(outbound.snapshot()));
        // Each acknowledgement lets one more out of the queue of 4: room at 1 queued (half of 3).
        for (int sent = 0; sent < 3; sent++) {
            assertTrue(pushBack.isFull());
            outbound.acknowledged(link.packetId(sent), 1);
            outbound.pump(link);
        }
        assertFalse(pushBack.isFull());
    }

    @Test
    void qos0WaitsForTheSocketNotForTheWindow() {
        Outbound outbound = outbound(QueueFullPolicy.DROP_NEWEST, 0);
        link.writable(false);
        outbound.deliver(link, message(1), 0, false, false, false);
        assertEquals(List.of(), link.sent());
        link.writable(true);
        outbound.pump(link);
        assertEquals(List.of("PUBLISH m1 q0 dup=false"), link.sent());
        assertEquals(0, link.packetId(0));
    }

    @Test
    void qos0ForAnOfflineClientIsNotQueuedUnlessConfigured() {
        Outbound outbound = outbound(QueueFullPolicy.DROP_NEWEST, 0);
        outbound.deliver(null, message(1), 0, true, false, false);
        assertEquals(List.of(), outbound.snapshot());
    }

    @Test
    void aReconnectingClientGetsWhatWasInFlightAgainAsDuplicates() {
        Outbound outbound = outbound(QueueFullPolicy.DROP_NEWEST, 0);
        outbound.deliver(link, message(1), 1, true, false, false);
        outbound.deliver(link, message(2), 2, true, false, false);
        RecordingLink next = new RecordingLink();
        outbound.resend(next);
        assertEquals(List.of("PUBLISH m1 q1 dup=true", "PUBLISH m2 q2 dup=true"), next.sent());
        assertEquals(link.packetId(1), next.packetId(1));
    }

    @Test
    void aStoredQos2MessageIsMarkedSentReleasedAndRemoved() {
        Outbound outbound = outbound(QueueFullPolicy.DROP_NEWEST, 0);
        outbound.deliver(link, stored(1), 2, true, true, false);
        int packetId = link.packetId(0);
        assertEquals(packetId, store.load(CLIENT).get(0).packetId());
        assertNull(outbound.received(packetId + 1), "PUBREC for an unknown packet id");
        CompletionStage<Void> recorded = outbound.received(packetId);
        assertTrue(recorded.toCompletableFuture().isDone());
        assertTrue(store.load(CLIENT).get(0).released());
        RecordingLink next = new RecordingLink();
        outbound.resend(next);
        assertEquals(List.of("PUBREL"), next.sent());
        assertTrue(outbound.acknowledged(packetId, 2));
        assertEquals(List.of(), store.load(CLIENT));
        assertEquals(List.of(), outbound.snapshot());
    }

    /**
     * With a store that keeps packet ids on another node, a QoS 2 PUBLISH goes out only once its
     * packet id is stored (else a node continuing the session could send it under a new id), a
     * reconnect does not send it early, and a QoS 1 message sent after it keeps its place.
     */
    @Test
    void aQos2PublishWaitsUntilTheStoreHasItsPacketIdAndOthersKeepTheirPlace() {
        MarkSentGate gate = new MarkSentGate(store);
        Outbound outbound = outbound(QueueFullPolicy.DROP_NEWEST, 0, gate);
        StoredMessage first = stored(1);
        outbound.deliver(link, first, 2, true, true, false);
        outbound.deliver(link, stored(2), 1, true, true, false);
        assertEquals(List.of(), link.sent());
        RecordingLink next = new RecordingLink();
        current = next;
        outbound.resend(next);
        assertEquals(List.of(), next.sent(), "not sent again before it was sent");

        gate.open(1);
        assertEquals(List.of(), next.sent(), "the QoS 1 message waits behind the QoS 2 one");
        gate.open(0);
        assertEquals(List.of("PUBLISH m1 q2 dup=false", "PUBLISH m2 q1 dup=false"), next.sent());
        assertEquals(next.packetId(0), store.load(CLIENT).get(0).packetId());
        outbound.deliver(next, stored(3), 1, true, true, false);
        assertEquals(2, next.sent().size(), "the window of 2 is full");
        assertTrue(outbound.acknowledged(next.packetId(1), 1));
        outbound.pump(next);
        assertEquals("PUBLISH m3 q1 dup=false", next.sent().get(2), "nothing waits once the QoS 2 message went");
    }

    /**
     * The store refuses the packet id because another node holds the session now (this node was
     * cut off and the cluster continued the session elsewhere): the QoS 2 PUBLISH never goes out
     * from here, and the client is disconnected so that it finds the node holding its session.
     */
    @Test
    void aQos2PublishWhosePacketIdIsRefusedIsNotSentAndTheClientIsDisconnected() {
        MarkSentGate gate = new MarkSentGate(store);
        Outbound outbound = outbound(QueueFullPolicy.DROP_NEWEST, 0, gate);
        outbound.deliver(link, stored(1), 2, true, true, false);

        gate.refuse(0, CLIENT);

        assertEquals(List.of(), link.sent());
        assertEquals("taken over", link.closedBecause());
    }

    @Test
    void restoredMessagesWithPacketIdsAreInFlightTheOthersQueued() {
        Outbound outbound = outbound(QueueFullPolicy.DROP_NEWEST, 0);
        outbound.restore(List.of(
                new QueuedMessage(message(1), 1, 17, false),
                new QueuedMessage(message(2), 1, 0, false),
                new QueuedMessage(message(3), 2, 18, true)));
        outbound.resend(link);
        assertEquals(List.of("PUBLISH m1 q1 dup=true", "PUBREL"), link.sent());
        assertEquals(List.of(1L, 3L, 2L), ids(outbound.snapshot()));
    }

    @Test
    void clearingGivesBackTheQueuedFigures() {
        Outbound outbound = outbound(QueueFullPolicy.DROP_NEWEST, 0);
        outbound.deliver(null, message(1), 1, true, false, false);
        assertEquals(1, metrics.queued());
        assertEquals(10, metrics.queuedBytes());
        outbound.clear();
        assertEquals(0, metrics.queued());
        assertEquals(0, metrics.queuedBytes());
        assertEquals(List.of(), outbound.snapshot());
    }
}
