package io.starling.storage.mapdb;

import io.starling.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes from the stored queues, every {@link #INTERVAL}, the copies of messages whose Message
 * Expiry passed (they would never be sent), so that the queue of a client that stays away
 * does not hold disk for them until it returns. Each pass is a few writer tasks of at most
 * {@link #PER_TASK} copies, so that other writes are not held up behind a large one.
 */
final class ExpiredMessages implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExpiredMessages.class);

    static final Duration INTERVAL = Duration.ofSeconds(10);
    static final int PER_TASK = 10_000;

    private final StoreWriter writer;
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("starling-mapdb-expiry"));

    ExpiredMessages(StoreWriter writer) {
        this.writer = writer;
    }

    void start() {
        long millis = INTERVAL.toMillis();
        timer.scheduleWithFixedDelay(
                () -> sweep(System.currentTimeMillis()).toCompletableFuture().join(),
                millis,
                millis,
                TimeUnit.MILLISECONDS);
    }

    /** Removes the copies expired before {@code now}; completes with how many once they are removed (durable). */
    CompletionStage<Integer> sweep(long now) {
        return sweep(now, 0);
    }

    private CompletionStage<Integer> sweep(long now, int removedBefore) {
        // Applied again after a rollback: the last application counts.
        StoreTables.ExpiredSweep[] done = new StoreTables.ExpiredSweep[1];
        return writer.update(tables -> done[0] = tables.dropExpired(now, PER_TASK))
                .thenCompose(ignored -> {
                    writer.countExpiredRemoved(done[0].removed());
                    int removed = removedBefore + done[0].removed();
                    return done[0].more() ? sweep(now, removed) : CompletableFuture.completedFuture(removed);
                })
                .exceptionally(failure -> {
                    LOG.warn("Expired messages were not removed from the store: {}", failure.toString());
                    return removedBefore;
                });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
