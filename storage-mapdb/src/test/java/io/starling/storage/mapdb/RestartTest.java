package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static io.starling.storage.mapdb.OpenStore.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionRecord;
import io.starling.spi.StoredMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Everything written survives closing and reopening the store, at every durability level. */
class RestartTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void everythingSurvivesACleanRestart(Durability durability) throws Exception {
        try (OpenStore store = OpenStore.open(directory, durability, 0)) {
            await(store.sessions.save(new SessionRecord("sub", Map.of("t/#", 2))));
            await(store.queues.append(
                    message(1, "t/1", "one"), List.of(new DeliveryTarget("sub", 2)), new InboundQos2Receipt("pub", 5)));
            await(store.queues.append(message(2, "t/2", "two"), List.of(new DeliveryTarget("sub", 1)), null));
            await(store.queues.append(message(3, "t/3", "three"), List.of(new DeliveryTarget("sub", 2)), null));
            await(store.queues.markSent("sub", 1, 100));
            await(store.queues.markReleased("sub", 1));
            await(store.queues.markSent("sub", 2, 101));
            await(store.retained.put(message(4, "r", "kept").withRetain(true)));
        }
        try (OpenStore store = OpenStore.open(directory, durability, 0)) {
            assertEquals(List.of(new SessionRecord("sub", Map.of("t/#", 2))), List.copyOf(store.sessions.loadAll()));
            assertEquals(
                    List.of("1 q2 p100 released one", "2 q1 p101 sent two", "3 q2 p0 queued three"),
                    store.queues.load("sub").stream().map(RestartTest::describe).toList());
            assertEquals(Set.of(5), store.queues.loadInboundQos2("pub"));
            assertEquals(
                    List.of("kept"),
                    store.retained.loadAll().stream()
                            .map(m -> new String(m.payload(), StandardCharsets.UTF_8))
                            .toList());

            // Appends after a restart still come after the older entries.
            await(store.queues.append(message(0, "t/0", "zero"), List.of(new DeliveryTarget("sub", 1)), null));
            assertEquals(
                    List.of(1L, 2L, 3L, 0L),
                    store.queues.load("sub").stream().map(q -> q.message().id()).toList());
        }
    }

    @Test
    void theStoreFileDoesNotGrowUnderChurn() throws Exception {
        long sizeAfterFirstRound = 0;
        try (OpenStore store = OpenStore.open(directory)) {
            for (int round = 0; round < 10; round++) {
                churn(store, round);
                if (round == 0) {
                    sizeAfterFirstRound = storeFileSize();
                }
            }
            assertEquals(0, (int) store.writer.read(tables -> tables.messages.size()));
        }
        long sizeAfterTenRounds = storeFileSize();
        // Freed space is reused: ten rounds of the same load take no more room than two would.
        assertTrue(
                sizeAfterTenRounds <= 2 * sizeAfterFirstRound,
                sizeAfterFirstRound + " bytes after one round, " + sizeAfterTenRounds + " after ten");
    }

    private static void churn(OpenStore store, int round) throws Exception {
        byte[] payload = new byte[1000];
        for (int i = 0; i < 500; i++) {
            long id = round * 1000L + i;
            await(store.queues.append(
                    new StoredMessage(id, "churn", 1, false, payload, 0),
                    List.of(new DeliveryTarget("a", 1), new DeliveryTarget("b", 1)),
                    null));
        }
        for (int i = 0; i < 500; i++) {
            long id = round * 1000L + i;
            store.queues.remove("a", id);
            await(store.queues.remove("b", id));
        }
    }

    private long storeFileSize() throws IOException {
        return Files.size(directory.resolve(MapDbSettings.FILE_NAME));
    }

    private static String describe(QueuedMessage queued) {
        String state = queued.released() ? "released" : queued.packetId() != 0 ? "sent" : "queued";
        return queued.message().id() + " q" + queued.qos() + " p" + queued.packetId() + " " + state + " "
                + new String(queued.message().payload(), StandardCharsets.UTF_8);
    }
}
