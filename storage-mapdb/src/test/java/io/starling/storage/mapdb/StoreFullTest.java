package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.StoredMessage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full store (here: max-size reached, which fails like a full disk) fails the writes that
 * need room, keeps the writer alive, and accepts writes again once space was freed.
 */
class StoreFullTest {

    private static final long MAX_SIZE = 4L << 20;
    private static final int PAYLOAD = 16 * 1024;

    @TempDir
    Path directory;

    @Test
    void writesFailWhileFullAndSucceedOnceSpaceIsFreed() throws Exception {
        int stored;
        try (OpenStore store = OpenStore.open(directory, Durability.ALWAYS, MAX_SIZE)) {
            stored = fillUntilRefused(store);
            assertTrue(stored > 10, "only " + stored + " messages fitted in " + MAX_SIZE + " bytes");
            assertEquals(stored, store.queues.load("c").size(), "a refused append left something behind");

            for (long id = 0; id < stored; id++) {
                await(store.queues.remove("c", id));
            }
            await(store.queues.append(message(1_000_000), List.of(new DeliveryTarget("c", 1)), null));
        }
        try (OpenStore store = OpenStore.open(directory, Durability.ALWAYS, MAX_SIZE)) {
            assertEquals(
                    List.of(1_000_000L),
                    store.queues.load("c").stream().map(q -> q.message().id()).toList());
        }
    }

    /** Appends until one is refused (bounded by four times what could fit); returns how many were stored. */
    private static int fillUntilRefused(OpenStore store) throws Exception {
        long limit = 4 * MAX_SIZE / PAYLOAD;
        for (int id = 0; id < limit; id++) {
            try {
                await(store.queues.append(message(id), List.of(new DeliveryTarget("c", 1)), null));
            } catch (ExecutionException refused) {
                assertInstanceOf(StoreWriteException.class, refused.getCause());
                assertTrue(
                        refused.getCause().getMessage().contains("beyond max-size"),
                        refused.getCause().getMessage());
                return id;
            }
        }
        throw new AssertionError(limit + " messages of " + PAYLOAD + " bytes fitted in " + MAX_SIZE + " bytes");
    }

    private static StoredMessage message(long id) {
        return new StoredMessage(id, "t", 1, false, new byte[PAYLOAD], 0);
    }
}
