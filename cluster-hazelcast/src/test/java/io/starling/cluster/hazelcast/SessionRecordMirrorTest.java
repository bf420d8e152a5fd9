package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.SessionExpiry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionRecordMirrorTest {

    private final MapStandIn records = new MapStandIn();
    private final List<String> written = new ArrayList<>();
    private final SessionRecordMirror mirror = new SessionRecordMirror("node-a", Duration.ofSeconds(30), written::add);

    private SessionRecords.Value record(String clientId) {
        return SessionRecords.Value.parse(records.data.get(clientId));
    }

    @Test
    void writesBeforeStartAreSkipped() {
        mirror.saved("c", Map.of("t", 1), SessionExpiry.NEVER)
                .toCompletableFuture()
                .join();
        assertEquals(List.of("c"), written, "nothing to wait for");
        mirror.start(records.map);
        assertEquals(Map.of(), records.data);
    }

    @Test
    void aSessionsChangesReachItsRecord() {
        mirror.start(records.map);
        mirror.saved("c", Map.of("a/#", 1), SessionExpiry.NEVER)
                .toCompletableFuture()
                .join();
        assertEquals(List.of("c"), written, "told once the save is applied");
        mirror.subscribed("c", "b/+", 2).toCompletableFuture().join();
        mirror.unsubscribed("c", "a/#").toCompletableFuture().join();
        mirror.leased("c", 70_000).toCompletableFuture().join();
        assertEquals(new SessionRecords.Value("node-a", 70_000, Map.of("b/+", 2)), record("c"));

        mirror.deleted("c").toCompletableFuture().join();
        assertEquals(Map.of(), records.data);
        assertEquals(List.of("c", "c"), written);
    }

    @Test
    void aKeptSessionNamesThisNodeWithoutTellingAnyone() {
        mirror.start(records.map);
        mirror.kept("c", Map.of("x", 0), SessionExpiry.NEVER)
                .toCompletableFuture()
                .join();
        assertEquals(new SessionRecords.Value("node-a", 0, Map.of("x", 0)), record("c"));
        assertTrue(written.isEmpty());
    }

    @Test
    void afterCloseNothingIsWritten() {
        mirror.start(records.map);
        mirror.close();
        mirror.saved("c", Map.of("t", 1), SessionExpiry.NEVER)
                .toCompletableFuture()
                .join();
        mirror.subscribed("c", "u", 1).toCompletableFuture().join();
        assertEquals(Map.of(), records.data);
    }
}
