package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.starling.spi.ClusterNode;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class ReturningSessionsTest {

    private static final StoredMessage MESSAGE = new StoredMessage(1, "t", 1, false, new byte[] {1}, 0);
    private static final SessionSnapshot WITH_MESSAGES =
            new SessionSnapshot("c", Map.of("t", 1), List.of(new QueuedMessage(MESSAGE, 1, 1, false)), Set.of(), 0);
    private static final SessionSnapshot EMPTY = new SessionSnapshot("c", Map.of("t", 1), List.of(), Set.of(), 0);

    private final MapStandIn owners = new MapStandIn();
    private final MapStandIn records = new MapStandIn();
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Channel toB = mock(Channel.class);
    private final ClusterNode node = mock(ClusterNode.class);
    private final SessionRecordMirror mirror = new SessionRecordMirror("me", Duration.ofSeconds(30), id -> {});
    /** Without copies of the queues (a restored session's messages are handed over), unless a test says. */
    private final ReturningSessions returning = new ReturningSessions(
            "me",
            channels,
            () -> Set.of("b"),
            mirror,
            new QueueReplicas("me", Duration.ofSeconds(30), false),
            Duration.ofSeconds(30));

    ReturningSessionsTest() {
        channels.put("b", toB);
        mirror.start(records.map);
        returning.start(node, owners.map);
    }

    private boolean restored(SessionSnapshot session) {
        return returning.restored(session).toCompletableFuture().join();
    }

    @Test
    void aRestoredSessionNoLiveNodeHoldsStaysHere() {
        owners.data.put("c", "lost-node/4");
        assertTrue(restored(WITH_MESSAGES));
        assertEquals("me/5", owners.data.get("c"));
        assertEquals("me", SessionRecords.Value.parse(records.data.get("c")).node());
    }

    @Test
    void aRestoredSessionALiveNodeContinuedGoesThereWithItsMessages() {
        owners.data.put("c", "b/2");
        when(toB.send(any(), any(), eq(false))).thenAnswer(call -> {
            call.<CompletableFuture<Void>>getArgument(1).complete(null);
            return true;
        });
        assertFalse(restored(WITH_MESSAGES), "dropped here");
        verify(toB).send(eq(new ClusterMessage.HandBack(WITH_MESSAGES)), any(), eq(false));
        assertEquals("b/2", owners.data.get("c"), "the live node keeps the id");
        assertEquals(Map.of(), records.data);
    }

    @Test
    void withCopiedQueuesARestoredSessionALiveNodeContinuedIsDroppedWithItsMessages() {
        ReturningSessions copying = new ReturningSessions(
                "me",
                channels,
                () -> Set.of("b"),
                mirror,
                new QueueReplicas("me", Duration.ofSeconds(30), true),
                Duration.ofSeconds(30));
        copying.start(node, owners.map);
        owners.data.put("c", "b/2");
        assertFalse(copying.restored(WITH_MESSAGES).toCompletableFuture().join(), "dropped here");
        verify(toB, never()).send(any(), any(), eq(false));
        assertEquals("b/2", owners.data.get("c"), "the live node keeps the id");
    }

    @Test
    void aRestoredSessionStaysHereIfTheLiveNodeDoesNotTakeItsMessages() {
        owners.data.put("c", "b/2");
        when(toB.send(any(), any(), eq(false))).thenAnswer(call -> {
            call.<CompletableFuture<Void>>getArgument(1).completeExceptionally(new IllegalStateException("full"));
            return false;
        });
        assertTrue(restored(WITH_MESSAGES));
    }

    @Test
    void aRestoredSessionWithoutMessagesIsSimplyDroppedWhenContinuedElsewhere() {
        owners.data.put("c", "b/2");
        assertFalse(restored(EMPTY));
        verify(toB, never()).send(any(), any(), eq(false));
    }

    @Test
    void afterAMergeASessionContinuedOnTheOtherSideGoesThere() {
        owners.data.put("c", "b/7");
        owners.data.put("d", "me/3");
        when(node.clientIds()).thenReturn(Set.of("c", "d", "e"));
        when(node.releaseSession(eq("c"), isNull(), eq(false)))
                .thenReturn(CompletableFuture.completedFuture(Optional.of(WITH_MESSAGES)));

        assertTrue(returning.reclaimAfterMerge().isDone(), "settled once every session is");

        assertEquals("b/7", owners.data.get("c"));
        assertEquals("me/3", owners.data.get("d"), "still this node's");
        assertEquals("me/1", owners.data.get("e"), "claimed again after the other side purged it");
        verify(node, never()).releaseSession(eq("d"), any(), anyBoolean());
        ArgumentCaptor<ClusterMessage> sent = ArgumentCaptor.forClass(ClusterMessage.class);
        verify(toB).send(sent.capture(), any(), eq(false));
        assertEquals(new ClusterMessage.HandBack(WITH_MESSAGES), sent.getValue());
    }

    @Test
    void aMergeIsSettledOnlyOnceTheSessionsTheOtherSideContinuedAreReleased() {
        owners.data.put("c", "b/7");
        when(node.clientIds()).thenReturn(Set.of("c"));
        CompletableFuture<Optional<SessionSnapshot>> release = new CompletableFuture<>();
        when(node.releaseSession(eq("c"), isNull(), eq(false))).thenReturn(release);

        CompletableFuture<Void> settled = returning.reclaimAfterMerge();

        assertFalse(settled.isDone(), "the stale session is still here");
        release.complete(Optional.empty());
        assertTrue(settled.isDone());
    }
}
