package io.starling.storage.mapdb;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.StoredMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long opening a store with many queued messages takes (BENCHMARKS.md): fills a
 * store in {@code args[0]} with {@code args[1]} messages of 1 KiB for {@code args[2]} offline
 * clients (durability interval: committed as it goes), unless that directory holds a store
 * already (then it is only opened again), then opens it as a starting broker does (redo log,
 * verification unless the store was closed cleanly, usage figures) and prints the time, and the
 * time of the full verification alone (a second pass, on the store just opened). With
 * {@code args[3]} = {@code crash} it halts instead of that pass, without closing the store, as
 * kill -9 would, so that the next run opens a store that was not closed cleanly. Not a test:
 * run by hand.
 */
public final class StoreStartup {

    private StoreStartup() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        int messages = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        if (!Files.exists(directory.resolve(MapDbSettings.FILE_NAME))) {
            long fillStart = System.nanoTime();
            fill(directory, messages, clients);
            System.out.printf(
                    "filled %d messages for %d clients in %d s%n",
                    messages, clients, (System.nanoTime() - fillStart) / 1_000_000_000L);
        }
        long size = Files.size(directory.resolve(MapDbSettings.FILE_NAME));
        boolean crash = args.length > 3 && args[3].equals("crash");
        long started = System.nanoTime();
        try (OpenStore store = OpenStore.open(directory)) {
            long opened = System.nanoTime();
            System.out.printf(
                    "store of %d MiB, %d bytes charged: opened in %d ms%n",
                    size >> 20, store.writer.queuedBytes(), (opened - started) / 1_000_000);
            if (crash) {
                System.out.println("halting without closing the store");
                Runtime.getRuntime().halt(0);
            }
            long verified = store.writer.read(tables -> {
                StoreVerifier.verify(tables);
                return System.nanoTime();
            });
            System.out.printf("verification alone (again) %d ms%n", (verified - opened) / 1_000_000);
        }
    }

    private static void fill(Path directory, int messages, int clients) throws Exception {
        try (OpenStore store = OpenStore.open(directory, Durability.INTERVAL, 0)) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            byte[] payload = new byte[1024];
            for (int id = 1; id <= messages; id++) {
                StoredMessage message = new StoredMessage(id, "startup/" + (id % clients), 1, false, payload, id);
                writes.add(store.queues
                        .append(message, List.of(new DeliveryTarget("client-" + (id % clients), 1)), null)
                        .toCompletableFuture());
                if (writes.size() == 10_000) {
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                            .get(10, TimeUnit.MINUTES);
                    writes.clear();
                }
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
        }
    }
}
