package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AcknowledgementsTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong ids = new AtomicLong(100);
    private final ClusterCounters counters = new ClusterCounters(() -> 2, () -> 0, () -> true);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private Acknowledgements acknowledgements(Duration timeout) {
        return new Acknowledgements(ids::incrementAndGet, timer, timeout, counters);
    }

    private static Channel.Batch batch(String target, CompletableFuture<Void> done) {
        return new Channel.Batch(
                target,
                List.of(
                        new Channel.Outgoing(new ClusterMessage.Sync(), done, false),
                        new Channel.Outgoing(new ClusterMessage.RouteAdded("x"), null, false)),
                System.nanoTime());
    }

    @Test
    void anAcknowledgedBatchCompletesWhatWaitsForIt() {
        Acknowledgements acknowledgements = acknowledgements(Duration.ofHours(1));
        CompletableFuture<Void> done = new CompletableFuture<>();
        long id = acknowledgements.register(batch("b", done));
        assertEquals(101, id);
        assertEquals(2, acknowledgements.pending());

        acknowledgements.acknowledged(id, true, Set.of());
        assertTrue(done.isDone() && !done.isCompletedExceptionally());
        assertEquals(0, acknowledgements.pending());
        assertEquals(1, counters.acknowledgedBatches());

        acknowledgements.acknowledged(id, false, Set.of()); // a repeat changes nothing
        assertEquals(1, counters.acknowledgedBatches());
    }

    @Test
    void aBatchTheNodeCouldNotStoreFailsWhatWaits() {
        Acknowledgements acknowledgements = acknowledgements(Duration.ofHours(1));
        CompletableFuture<Void> done = new CompletableFuture<>();
        acknowledgements.acknowledged(acknowledgements.register(batch("b", done)), false, Set.of());
        assertEquals(
                "node b could not store the forwarded messages",
                ChannelTest.failure(done).getMessage());
    }

    @Test
    void aForwardEverySubscriberRefusedFailsAsRefused() {
        Acknowledgements acknowledgements = acknowledgements(Duration.ofHours(1));
        CompletableFuture<Void> done = new CompletableFuture<>();
        acknowledgements.acknowledged(acknowledgements.register(batch("b", done)), true, Set.of(0));
        assertTrue(ForwardRefused.is(ChannelTest.failure(done)));
    }

    @Test
    void aBatchNotAcknowledgedInTimeFails() {
        Acknowledgements acknowledgements = acknowledgements(Duration.ofMillis(1));
        CompletableFuture<Void> done = new CompletableFuture<>();
        acknowledgements.register(batch("b", done));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> done.get(30, TimeUnit.SECONDS));
        assertInstanceOf(java.util.concurrent.TimeoutException.class, failed.getCause());
        assertEquals("no acknowledgement from node b", failed.getCause().getMessage());
        assertEquals(0, acknowledgements.pending());
    }

    @Test
    void aLeavingNodesBatchesAreHandedBackUnacknowledged() {
        Acknowledgements acknowledgements = acknowledgements(Duration.ofHours(1));
        CompletableFuture<Void> toB = new CompletableFuture<>();
        CompletableFuture<Void> toC = new CompletableFuture<>();
        acknowledgements.register(batch("b", toB));
        long idC = acknowledgements.register(batch("c", toC));

        List<Channel.Outgoing> left = acknowledgements.nodeLeft("b");
        assertEquals(2, left.size());
        assertEquals(toB, left.get(0).done());
        assertFalse(toB.isDone(), "the caller decides: relay or fail");
        assertEquals(2, acknowledgements.pending(), "c's batch still waits");
        acknowledgements.acknowledged(idC, true, Set.of());
        assertTrue(toC.isDone());
    }
}
