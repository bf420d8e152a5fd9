package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.DeliveryTarget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent writers share commits: far fewer commits than writes, each write durable when its future completes. */
class GroupCommitTest {

    private static final int THREADS = 8;
    private static final int APPENDS_PER_THREAD = 250;

    @TempDir
    Path directory;

    @Test
    void concurrentAppendsAreCommittedInBatches() throws Exception {
        ExecutorService publishers = Executors.newFixedThreadPool(THREADS);
        long commitsBefore;
        long commits;
        try (OpenStore store = OpenStore.open(directory)) {
            commitsBefore = store.writer.commits();
            List<Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                // Each thread keeps a few appends outstanding, as publishers waiting for PUBACK do.
                submitted.add(publishers.submit(() -> appendAll(store, thread)));
            }
            for (Future<List<CompletableFuture<Void>>> futures : submitted) {
                CompletableFuture.allOf(futures.get(30, TimeUnit.SECONDS).toArray(CompletableFuture[]::new))
                        .get(30, TimeUnit.SECONDS);
            }
            commits = store.writer.commits() - commitsBefore;
            // What /metrics reports: the store's size on disk and the time its commits took.
            assertTrue(store.writer.sizeBytes() > 0, "store size reported");
            assertTrue(store.writer.commitNanos() > 0, "commit time reported");
            for (int t = 0; t < THREADS; t++) {
                assertEquals(
                        APPENDS_PER_THREAD, store.queues.load("client-" + t).size());
            }
        } finally {
            publishers.shutdownNow();
        }
        int appends = THREADS * APPENDS_PER_THREAD;
        System.out.printf("group commit: %d appends from %d threads in %d commits%n", appends, THREADS, commits);
        assertTrue(commits > 0 && commits <= appends / 4, appends + " appends took " + commits + " commits");
    }

    private static List<CompletableFuture<Void>> appendAll(OpenStore store, int thread) throws Exception {
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < APPENDS_PER_THREAD; i++) {
            long id = thread * 1_000_000L + i;
            futures.add(store.queues
                    .append(message(id, "t", "m"), List.of(new DeliveryTarget("client-" + thread, 1)), null)
                    .toCompletableFuture());
            if (futures.size() >= 4) {
                futures.get(futures.size() - 4).get(30, TimeUnit.SECONDS);
            }
        }
        return futures;
    }
}
