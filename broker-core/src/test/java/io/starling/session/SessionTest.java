package io.starling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.starling.config.BrokerConfig.QueueFullPolicy;
import io.starling.metrics.BrokerMetrics;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.SessionContinuedElsewhereException;
import io.starling.spi.StoredMessage;
import io.starling.storage.memory.InMemoryMessageQueueStore;
import io.starling.testing.DelegatingQueueStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A session on a real executor, with recording links for connections (no socket): what it
 * sends, in which order, across acknowledgements, a disconnect, a takeover and a client that
 * stops reading. The test waits for the session's thread by running a task after the ones
 * under test ({@link #onSessionThread}), never by sleeping.
 */
class SessionTest {

    private final EventExecutor loop = new DefaultEventExecutor();
    private final BrokerMetrics metrics = new BrokerMetrics();

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A window of 1, a queue of 1, push-back after {@code pushBackTimeout}. */
    private Session session(Duration pushBackTimeout) {
        Outbound.Limits limits =
                new Outbound.Limits(1, 1, 0, 0, QueueFullPolicy.PUSH_BACK, pushBackTimeout, false, false);
        return new Session("c", loop, limits, new InMemoryMessageQueueStore(), new DropLog(metrics), metrics, null);
    }

    private static StoredMessage message(long id) {
        return new StoredMessage(id, "t", 1, false, new byte[4], 0);
    }

    /** Runs {@code step} on the session's thread after everything submitted before, and returns its result. */
    private static <T> T onSessionThread(Session session, Supplier<T> step) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        session.execute(() -> result.complete(step.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static void connect(Session session, RecordingLink link, EventExecutor loop) throws Exception {
        onSessionThread(session, () -> {
            session.startTakeover(link, false);
            session.attach(link, loop);
            return null;
        });
    }

    /**
     * The store refuses to record the PUBREC because another node holds the session now: no
     * PUBREL from here (the node holding the session resends the PUBLISH under the same id),
     * and the client is disconnected to find that node.
     */
    @Test
    void aPubrecTheStoreRefusesGetsNoPubrelAndTheClientIsDisconnected() throws Exception {
        InMemoryMessageQueueStore memory = new InMemoryMessageQueueStore();
        MessageQueueStore refusing = new DelegatingQueueStore(memory) {
            @Override
            public CompletionStage<Void> markReleased(String clientId, long messageId) {
                return CompletableFuture.failedFuture(new SessionContinuedElsewhereException(clientId));
            }
        };
        Outbound.Limits limits =
                new Outbound.Limits(1, 1, 0, 0, QueueFullPolicy.PUSH_BACK, Duration.ofMinutes(1), false, false);
        Session session = new Session("c", loop, limits, refusing, new DropLog(metrics), metrics, null);
        RecordingLink link = new RecordingLink();
        connect(session, link, loop);
        StoredMessage message = new StoredMessage(1, "t", 2, false, new byte[4], 0);
        memory.append(message, List.of(new DeliveryTarget("c", 2)), null);
        session.submitDelivery(message, 2, true, false);
        assertEquals(List.of("PUBLISH m1 q2 dup=false"), onSessionThread(session, link::sent));

        onSessionThread(session, () -> {
            session.onPubrec(link.packetId(0));
            return null;
        });

        // The answer to the PUBREC is handled in a task of its own, after the one above.
        assertEquals("taken over", onSessionThread(session, link::closedBecause));
        assertEquals(List.of("PUBLISH m1 q2 dup=false"), link.sent(), "no PUBREL");
    }

    @Test
    void deliversInOrderThroughItsWindowAsAcknowledgementsCome() throws Exception {
        Session session = session(Duration.ofMinutes(1));
        RecordingLink link = new RecordingLink();
        connect(session, link, loop);
        session.submitDelivery(message(1), 1, false, false);
        session.submitDelivery(message(2), 1, false, false);
        assertEquals(List.of("PUBLISH m1 q1 dup=false"), onSessionThread(session, link::sent));
        session.execute(() -> session.onPuback(link.packetId(0)));
        assertEquals(
                List.of("PUBLISH m1 q1 dup=false", "PUBLISH m2 q1 dup=false"), onSessionThread(session, link::sent));
    }

    @Test
    void aPersistentSessionKeepsWhatWasOwedAcrossADisconnect() throws Exception {
        Session session = session(Duration.ofMinutes(1));
        onSessionThread(session, () -> {
            session.setPersistent(true);
            return null;
        });
        RecordingLink first = new RecordingLink();
        connect(session, first, loop);
        session.submitDelivery(message(1), 1, false, false);
        assertTrue(onSessionThread(session, () -> session.detach(first)));
        assertFalse(onSessionThread(session, session::isOnline));
        session.submitDelivery(message(2), 1, false, false);
        RecordingLink second = new RecordingLink();
        connect(session, second, loop);
        assertEquals(List.of("PUBLISH m1 q1 dup=true"), onSessionThread(session, second::sent));
        session.execute(() -> session.onPuback(second.packetId(0)));
        assertEquals(
                List.of("PUBLISH m1 q1 dup=true", "PUBLISH m2 q1 dup=false"), onSessionThread(session, second::sent));
    }

    @Test
    void aNewConnectionTakesTheSessionOverAndClosesTheOldOne() throws Exception {
        Session session = session(Duration.ofMinutes(1));
        RecordingLink first = new RecordingLink();
        connect(session, first, loop);
        RecordingLink second = new RecordingLink();
        connect(session, second, loop);
        assertEquals("taken over", first.closedBecause());
        assertNull(second.closedBecause());
        assertFalse(onSessionThread(session, () -> session.isAttachedTo(first)));
        assertTrue(onSessionThread(session, () -> session.isAttachedTo(second)));
        assertFalse(
                onSessionThread(session, () -> session.detach(first)), "the old connection's close changes nothing");
    }

    @Test
    void aClientWhoseQueueStaysFullIsClosedAsASlowConsumer() throws Exception {
        Session session = session(Duration.ofMillis(50));
        RecordingLink link = new RecordingLink();
        connect(session, link, loop);
        // One in flight, one queued: the queue is at its limit and pushes back.
        session.submitDelivery(message(1), 1, false, true);
        session.submitDelivery(message(2), 1, false, true);
        assertTrue(onSessionThread(session, () -> session.pushBack().isFull()));
        CompletableFuture<String> closed = new CompletableFuture<>();
        // The timeout's check runs on the session's thread; poll there for the close it makes.
        pollUntilClosed(session, link, closed);
        assertTrue(closed.get(10, TimeUnit.SECONDS).startsWith("slow consumer: queue full for"), closed.get());
        assertEquals(1, metrics.slowConsumersDisconnected());
    }

    private void pollUntilClosed(Session session, RecordingLink link, CompletableFuture<String> closed) {
        session.execute(() -> {
            if (link.closedBecause() != null) {
                closed.complete(link.closedBecause());
            } else if (!closed.isDone()) {
                loop.schedule(() -> pollUntilClosed(session, link, closed), 10, TimeUnit.MILLISECONDS);
            }
        });
    }

    @Test
    void aClientThatMakesRoomBeforeTheTimeoutIsNotClosed() throws Exception {
        Session session = session(Duration.ofMillis(50));
        RecordingLink link = new RecordingLink();
        connect(session, link, loop);
        // In one task of the session's thread, so that the timeout's check cannot run in between.
        boolean wasFull = onSessionThread(session, () -> {
            session.deliver(message(1), 1, false, true);
            session.deliver(message(2), 1, false, true);
            boolean full = session.pushBack().isFull();
            session.onPuback(link.packetId(0));
            return full;
        });
        assertTrue(wasFull);
        assertFalse(onSessionThread(session, () -> session.pushBack().isFull()));
        // Scheduled after the timeout's check and for later, so it runs after that check.
        CompletableFuture<Void> afterCheck = new CompletableFuture<>();
        loop.schedule(() -> session.execute(() -> afterCheck.complete(null)), 100, TimeUnit.MILLISECONDS);
        afterCheck.get(10, TimeUnit.SECONDS);
        assertNull(link.closedBecause());
        assertEquals(0, metrics.slowConsumersDisconnected());
    }
}
