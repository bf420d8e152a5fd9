package io.starling.storage.mapdb;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.StoredMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long opening a store with many queued messages takes (BENCHMARKS.md): fills a
 * store in {@code args[0]} with {@code args[1]} messages of 1 KiB for {@code args[2]} offline
 * clients (durability interval: committed as it goes), then opens it as a starting broker does
 * (redo log, verification, usage figures) and prints the time. Not a test: run by hand.
 */
public final class StoreStartup {

    private StoreStartup() {
    }

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int messages = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        try (OpenStore store = OpenStore.open(directory, Durability.INTERVAL, 0)) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            byte[] payload = new byte[1024];
            for (int id = 1; id <= messages; id++) {
                StoredMessage message = new StoredMessage(id, "startup/" + (id % clients), 1, false, payload, id);
                writes.add(store.queues.append(message, List.of(new DeliveryTarget("client-" + (id % clients), 1)), null)
                    .toCompletableFuture());
                if (writes.size() == 10_000) {
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
                    writes.clear();
                }
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        }
        long size = Files.size(directory.resolve(MapDbSettings.FILE_NAME));
        long started = System.nanoTime();
        try (OpenStore store = OpenStore.open(directory)) {
            long opened = System.nanoTime();
            System.out.printf("store of %d messages for %d clients, %d MiB: opened in %d ms, %d bytes charged%n",
                messages, clients, size >> 20, Duration.ofNanos(opened - started).toMillis(), store.writer.queuedBytes());
        }
    }
}
