package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.SessionRecord;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StoreWriterTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(
            value = Durability.class,
            names = {"ALWAYS", "INTERVAL"})
    void aFailingWriteFailsAloneAndTheRestOfItsTransactionIsKept(Durability durability) throws Exception {
        try (OpenStore store = OpenStore.open(directory, durability, 0)) {
            CountDownLatch release = new CountDownLatch(1);
            // Holds the writer so that the next three writes are applied as one batch.
            CompletionStage<Void> gate = store.writer.update(tables -> awaitLatch(release));
            CompletionStage<Void> before = store.sessions.save(new SessionRecord("before", Map.of()));
            CompletionStage<Void> failing = store.writer.write(tables -> {
                tables.sessions.put("half-done", Boolean.TRUE);
                throw new IllegalStateException("simulated write failure");
            });
            CompletionStage<Void> after = store.sessions.save(new SessionRecord("after", Map.of()));
            release.countDown();

            await(gate);
            await(before);
            await(after);
            ExecutionException failure = assertThrows(ExecutionException.class, () -> await(failing));
            assertEquals(StoreWriteException.class, failure.getCause().getClass());
        }
        try (OpenStore store = OpenStore.open(directory, durability, 0)) {
            assertEquals(
                    Set.of("before", "after"),
                    store.sessions.loadAll().stream()
                            .map(SessionRecord::clientId)
                            .collect(Collectors.toSet()));
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the writer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void writesAfterCloseFail(Durability durability) {
        OpenStore store = OpenStore.open(directory, durability, 0);
        store.close();
        assertThrows(ExecutionException.class, () -> await(store.sessions.save(new SessionRecord("late", Map.of()))));
    }

    /** The dashboard and /metrics read the store's size: known from the opening, before any write. */
    @Test
    void aStoreReportsItsSizeBeforeItsFirstWrite() {
        try (OpenStore store = OpenStore.open(directory)) {
            assertTrue(store.writer.sizeBytes() > 0, "size of the file just opened");
        }
    }
}
