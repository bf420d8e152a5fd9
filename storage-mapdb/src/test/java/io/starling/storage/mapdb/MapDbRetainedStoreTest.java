package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static io.starling.storage.mapdb.OpenStore.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.spi.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapDbRetainedStoreTest {

    @TempDir
    Path directory;

    @Test
    void oneRetainedMessagePerTopicReplacedAndDeleted() throws Exception {
        try (OpenStore store = OpenStore.open(directory)) {
            await(store.retained.put(message(1, "a", "first").withRetain(true)));
            await(store.retained.put(message(2, "a", "second").withRetain(true)));
            await(store.retained.put(message(3, "b", "other").withRetain(true)));
            await(store.retained.put(message(4, "c", "deleted").withRetain(true)));
            await(store.retained.delete("c"));
            await(store.retained.delete("never-there"));

            assertEquals(Set.of("a=second", "b=other"), describe(store));
            StoredMessage a = store.retained.loadAll().stream()
                    .filter(m -> m.topic().equals("a"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(new RetainedFields(2, 1, true), new RetainedFields(a.id(), a.qos(), a.retain()));
        }
    }

    private static Set<String> describe(OpenStore store) {
        return store.retained.loadAll().stream()
                .map(m -> m.topic() + "=" + new String(m.payload(), StandardCharsets.UTF_8))
                .collect(Collectors.toSet());
    }

    private record RetainedFields(long id, int qos, boolean retain) {}
}
