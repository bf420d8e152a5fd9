package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.StoredMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Measures store bytes per queued message (the figures in docs/STORAGE.md) and keeps them bounded. */
class StoreFootprintTest {

    private static final int MESSAGES = 20_000;
    private static final int PAYLOAD = 100;
    private static final String TOPIC = "sensors/building-1/floor-2/temperature";

    @TempDir
    Path directory;

    @Test
    void bytesPerQueuedMessageForOneSubscriber() throws Exception {
        double perMessage = measure(MESSAGES, 1);
        System.out.printf(
                "store footprint: %.0f bytes per queued message (%d-byte payload, 1 subscriber)%n",
                perMessage, PAYLOAD);
        assertTrue(perMessage < 500, perMessage + " bytes per queued message");
    }

    @Test
    void aMessageForManySubscribersCostsOneSmallEntryPerExtraSubscriber() throws Exception {
        int subscribers = 10;
        double perEntry = measure(MESSAGES / subscribers, subscribers);
        System.out.printf(
                "store footprint: %.0f bytes per queue entry (%d-byte payload stored once for %d subscribers)%n",
                perEntry, PAYLOAD, subscribers);
        assertTrue(perEntry < 100, perEntry + " bytes per queue entry");
    }

    /** Store file growth after a clean close, per queue entry. */
    private double measure(int messages, int subscribers) throws Exception {
        try (OpenStore store = OpenStore.open(directory)) {
            store.writer.read(tables -> tables.sessions.size());
        }
        long empty = Files.size(directory.resolve(MapDbSettings.FILE_NAME));
        List<DeliveryTarget> targets = IntStream.range(0, subscribers)
                .mapToObj(i -> new DeliveryTarget("subscriber-" + i, 1))
                .toList();
        try (OpenStore store = OpenStore.open(directory)) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int id = 0; id < messages; id++) {
                StoredMessage message =
                        new StoredMessage(id, TOPIC, 1, false, new byte[PAYLOAD], System.currentTimeMillis());
                writes.add(store.queues.append(message, targets, null).toCompletableFuture());
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        long full = Files.size(directory.resolve(MapDbSettings.FILE_NAME));
        return (double) (full - empty) / ((long) messages * subscribers);
    }
}
