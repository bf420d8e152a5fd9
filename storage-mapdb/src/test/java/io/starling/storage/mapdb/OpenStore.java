package io.starling.storage.mapdb;

import io.starling.spi.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** The three stores on one store file, with their writer in reach for tests. */
final class OpenStore implements AutoCloseable {

    final StoreWriter writer;
    final MapDbSessionStore sessions;
    final MapDbMessageQueueStore queues;
    final MapDbRetainedStore retained;

    private OpenStore(MapDbSettings settings) {
        writer = new StoreWriter(settings);
        sessions = new MapDbSessionStore(writer);
        queues = new MapDbMessageQueueStore(writer);
        retained = new MapDbRetainedStore(writer);
    }

    static OpenStore open(Path directory) {
        return open(directory, Durability.ALWAYS, 0);
    }

    static OpenStore open(Path directory, Durability durability, long maxSize) {
        return new OpenStore(new MapDbSettings(directory, durability, Duration.ofMillis(50), maxSize, 0, 0));
    }

    /** With the limits of stored queues set (bytes charged to one client's queue, to all queues). */
    static OpenStore withQueueLimits(Path directory, long maxClientQueue, long maxQueueTotal) {
        return new OpenStore(new MapDbSettings(
                directory, Durability.ALWAYS, Duration.ofMillis(50), 0, maxClientQueue, maxQueueTotal));
    }

    static StoredMessage message(long id, String topic, String payload) {
        return new StoredMessage(
                id, topic, 1, false, payload.getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L + id);
    }

    /** Waits for a write's future (bounded); throws what it failed with. */
    static void await(CompletionStage<Void> write) throws Exception {
        write.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Closes the queue store (its expiry pass) and with it the writer. */
    @Override
    public void close() {
        queues.close();
    }
}
