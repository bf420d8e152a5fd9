package io.starling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.starling.spi.StoredMessage;
import io.starling.storage.memory.InMemoryRetainedStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A joining node taking the cluster's retained messages over (RetainedMessages.reconcile). */
class RetainedMessagesReconcileTest {

    private final InMemoryRetainedStore store = new InMemoryRetainedStore();
    private final RetainedMessages retained = new RetainedMessages(store);

    private static StoredMessage message(long id, String topic, String payload, long timestamp) {
        return new StoredMessage(id, topic, 1, true, payload.getBytes(StandardCharsets.UTF_8), timestamp);
    }

    private String payloadOf(String topic) {
        StoredMessage[] found = new StoredMessage[1];
        retained.match(topic, message -> found[0] = message);
        return found[0] == null ? null : new String(found[0].payload(), StandardCharsets.UTF_8);
    }

    @Test
    void newerMessagesReplaceOlderOnesAndMissingTopicsAreDeleted() {
        retained.retain(message(1, "a", "old a", 100));
        retained.retain(message(2, "b", "newer b here", 300));
        retained.retain(message(3, "deleted/while/away", "stale", 100));
        retained.retain(message(4, "$SYS/broker/uptime", "1 seconds", 100));
        Map<String, StoredMessage> cluster = Map.of(
                "a", message(10, "a", "new a", 200),
                "b", message(11, "b", "older b there", 200),
                "c", message(12, "c", "only there", 200));

        int changed =
                retained.reconcile(cluster, Set.of()).toCompletableFuture().join();

        assertEquals("new a", payloadOf("a"));
        assertEquals("newer b here", payloadOf("b"), "this node's newer message stays");
        assertEquals("only there", payloadOf("c"));
        assertNull(payloadOf("deleted/while/away"));
        assertEquals("1 seconds", payloadOf("$SYS/broker/uptime"), "$SYS is this process's own");
        assertEquals(3, changed);
        assertEquals(
                Set.of("a", "b", "c"),
                store.loadAll().stream().map(StoredMessage::topic).collect(Collectors.toSet()),
                "the store follows the index");
    }

    @Test
    void topicsChangedWhileTheListWasOnItsWayKeepTheirCurrentMessage() {
        retained.retain(message(1, "changed", "live update", 100));
        retained.retain(message(2, "set-here", "live", 100));
        Map<String, StoredMessage> cluster = Map.of(
                "changed", message(10, "changed", "from the list", 200),
                "deleted-live", message(11, "deleted-live", "from the list", 200));

        retained.reconcile(cluster, Set.of("changed", "set-here", "deleted-live"))
                .toCompletableFuture()
                .join();

        assertEquals("live update", payloadOf("changed"));
        assertEquals("live", payloadOf("set-here"));
        assertNull(payloadOf("deleted-live"), "deleted meanwhile: the list's older copy does not come back");
    }
}
