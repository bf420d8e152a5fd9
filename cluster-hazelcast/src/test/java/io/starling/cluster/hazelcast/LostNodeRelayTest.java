package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.concurrent.Stages;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** Unit test of the relay's bookkeeping, with the deliveries recorded instead of sent. */
class LostNodeRelayTest {

    private record Sent(String holder, Set<String> clientIds, String topic) {}

    private final List<Sent> sent = new ArrayList<>();
    private final LostNodeRelay relay = new LostNodeRelay("me", this::record, Duration.ofSeconds(10));

    private CompletionStage<Void> record(String holder, Set<String> clientIds, StoredMessage message, boolean inDoubt) {
        sent.add(new Sent(holder, clientIds, message.topic()));
        return Stages.DONE;
    }

    private static StoredMessage message(String topic) {
        return new StoredMessage(1, topic, 1, false, new byte[0], 0);
    }

    @Test
    void messagesWaitUntilTheSessionsArePlacedAndGoToTheMatchingOnesWhereTheyAre() {
        CompletableFuture<Void> relayed =
                relay.relay("lost", message("a/1"), false).toCompletableFuture();
        assertFalse(relayed.isDone(), "waits for the placement");
        assertTrue(sent.isEmpty());
        relay.placed(
                "lost",
                Map.of("x", Map.of("a/#", 1), "y", Map.of("a/+", 1), "z", Map.of("b/#", 1)),
                Map.of("x", "me", "y", "other", "z", "me"));
        assertTrue(relayed.isDone());
        assertEquals(
                Set.of(new Sent("me", Set.of("x"), "a/1"), new Sent("other", Set.of("y"), "a/1")), Set.copyOf(sent));
    }

    @Test
    void sessionsPlacedElsewhereAreConfirmedByTheirNodeAndFollowedWhenTheyMove() {
        relay.placed("lost", Map.of("x", Map.of("a/#", 1), "y", Map.of("a/#", 1)), Map.of("x", "me", "y", "other"));
        CompletableFuture<Void> confirmed = relay.allConfirmed("lost");
        assertFalse(confirmed.isDone(), "y is not known reachable on its node yet");
        relay.confirmed("lost", Set.of("y"), "other", true);
        assertTrue(confirmed.isDone());

        relay.moved("x", "third");
        assertEquals("lost", relay.lostNodeOf("x"));
        relay.relay("lost", message("a/2"), false);
        assertEquals(
                Set.of(new Sent("third", Set.of("x"), "a/2"), new Sent("other", Set.of("y"), "a/2")), Set.copyOf(sent));
    }

    @Test
    void aConfirmationBeforeThePlacementCounts() {
        relay.confirmed("lost", Set.of("y"), "other", true);
        relay.placed("lost", Map.of("y", Map.of("a/#", 1)), Map.of("y", "other"));
        assertTrue(relay.allConfirmed("lost").isDone());
    }

    /**
     * A node frozen past the member timeout, merged back and lost again keeps its id: the first
     * loss's placement must not answer for the second (the fault run lost messages relayed at
     * once to where its sessions had been the first time).
     */
    @Test
    void aNodeLostAgainWithTheSameIdIsPlacedAfresh() {
        relay.lost("lost");
        Runnable forgetFirstLoss = relay.forgetter("lost");
        relay.placed("lost", Map.of("x", Map.of("a/#", 1)), Map.of("x", "other"));

        relay.lost("lost");
        CompletableFuture<Void> relayed =
                relay.relay("lost", message("a/1"), false).toCompletableFuture();
        assertFalse(relayed.isDone(), "waits for this loss's placement");
        forgetFirstLoss.run();
        relay.placed("lost", Map.of("y", Map.of("a/#", 1)), Map.of("y", "me"));
        assertTrue(relayed.isDone());
        assertEquals(List.of(new Sent("me", Set.of("y"), "a/1")), sent, "the first loss's session is not this one's");
    }

    @Test
    void aForwardRelayedBeforeTheLossWasNoticedKeepsItsPlacement() {
        CompletableFuture<Void> early =
                relay.relay("lost", message("a/1"), false).toCompletableFuture();
        relay.lost("lost");
        relay.placed("lost", Map.of("x", Map.of("a/#", 1)), Map.of("x", "me"));
        assertTrue(early.isDone());
    }

    @Test
    void whatIsRelayedForSessionsThatCannotBePlacedFails() {
        CompletableFuture<Void> relayed =
                relay.relay("lost", message("a/1"), false).toCompletableFuture();
        relay.notPlaced("lost", new IllegalStateException("below min-cluster-size"));
        assertTrue(relayed.isCompletedExceptionally(), "not acknowledged to its publisher");
        assertTrue(sent.isEmpty());
    }
}
