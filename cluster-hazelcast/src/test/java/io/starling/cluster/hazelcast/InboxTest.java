package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hazelcast.topic.Message;
import io.starling.spi.ClusterNode;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Frames in, each message to the part that handles it, the batch acknowledged once handled. */
class InboxTest {

    private static final StoredMessage QOS1 = new StoredMessage(1, "t/1", 1, false, new byte[] {1}, 0);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Channel back = mock(Channel.class);
    private final ClusterNode node = mock(ClusterNode.class);
    private final LostNodes lostNodes = mock(LostNodes.class);
    private final SessionMoves moves = mock(SessionMoves.class);
    private final ClientIdOwnership ownership = mock(ClientIdOwnership.class);
    private final RetainedTakeOver retainedTakeOver = mock(RetainedTakeOver.class);
    private final RemoteRoutes routes = new RemoteRoutes();
    private final RemoteGroups groups = new RemoteGroups();
    private final ClusterCounters counters = new ClusterCounters(() -> 2, () -> 0, () -> true);
    private final Acknowledgements acknowledgements =
            new Acknowledgements(() -> 7, timer, Duration.ofHours(1), counters);
    private final List<Channel> routesSent = new ArrayList<>();
    private final List<Runnable> work = new ArrayList<>();
    private boolean closed;
    private final Set<String> departed = new HashSet<>();
    private final Inbox inbox = new Inbox(
            "me",
            source -> {
                assertEquals("other", source);
                return back;
            },
            new Inbox.Handlers(
                    routes,
                    groups,
                    new SharedForwards(new HashMap<>(), timer),
                    new ForwardOrder(),
                    lostNodes,
                    moves,
                    ownership,
                    retainedTakeOver,
                    acknowledgements,
                    counters),
            routesSent::add,
            work::add,
            () -> closed,
            departed::contains);

    InboxTest() {
        when(back.target()).thenReturn("other");
        inbox.start(node);
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @SuppressWarnings("unchecked")
    private void receive(String source, long batchId, ClusterMessage... messages) {
        Message<byte[]> message = mock(Message.class);
        when(message.getMessageObject()).thenReturn(Wire.encode(new Wire.Frame(source, batchId, List.of(messages))));
        inbox.onMessage(message);
    }

    /**
     * A node frozen past the member timeout still sends what it had begun when it wakes up; a
     * hand-over to it would be lost (the fault run lost a whole queue that way).
     */
    @Test
    void whatANodeThatLeftStillSendsIsDroppedUnacknowledged() {
        departed.add("other");
        receive("other", 46, new ClusterMessage.Release(3, "c", 1, false), new ClusterMessage.RouteAdded("b/+"));
        verify(ownership, never()).release(any(), any());
        verify(back, never()).send(any(), any(), anyBoolean());
        assertEquals(Set.of(), routes.match("b/1"));

        departed.remove("other");
        receive("other", 0, new ClusterMessage.RouteAdded("b/+"));
        assertEquals(Set.of("other"), routes.match("b/1"), "once it joined again");
    }

    @Test
    void routeChangesReachTheRoutesOfTheSendingNode() {
        receive("other", 0, new ClusterMessage.Routes(Set.of("a/#"), Map.of()), new ClusterMessage.RouteAdded("b/+"));
        assertEquals(Set.of("other"), routes.match("a/1"));
        assertEquals(Set.of("other"), routes.match("b/1"));
        receive("other", 0, new ClusterMessage.RouteRemoved("a/#"));
        assertEquals(Set.of(), routes.match("a/1"));
    }

    @Test
    void theGroupsOfTheSendingNodeAreReplacedByItsRouteSetAndChangedOneByOne() {
        receive("other", 0, new ClusterMessage.SharedGroup("$share/stale/x", 1));
        receive(
                "other",
                0,
                new ClusterMessage.Routes(Set.of(), Map.of("$share/g/a/#", 2, "$share/h/b", 0)),
                new ClusterMessage.SharedGroup("$share/h/b", 1));
        assertEquals(Map.of(), groups.nodes("$share/stale/x"), "no stale member after a route set");
        assertEquals(Map.of("other", 2), groups.nodes("$share/g/a/#"));
        assertEquals(Map.of("other", 1), groups.nodes("$share/h/b"));
        // Members online again there: this node's queues of those groups may go there.
        verify(node).sharedMembersOnlineElsewhere("$share/stale/x");
        verify(node).sharedMembersOnlineElsewhere("$share/g/a/#");
        verify(node).sharedMembersOnlineElsewhere("$share/h/b");
    }

    @Test
    void aSharedForwardIsAcknowledgedOnceTheGroupHereStoredIt() {
        CompletableFuture<Void> stored = new CompletableFuture<>();
        when(node.deliverShared(any(), any(), any())).thenReturn(stored);
        receive("other", 45, new ClusterMessage.SharedForward("$share/g/t/#", "", QOS1));
        verify(node).deliverShared(eq("$share/g/t/#"), isNull(), sameMessage(QOS1));
        verify(back, never()).send(eq(new ClusterMessage.Ack(45, true)), isNull(), eq(false));
        stored.complete(null);
        verify(back).send(new ClusterMessage.Ack(45, true), null, false);
    }

    @Test
    void aBatchIsAcknowledgedOnceItsForwardsAreStored() {
        CompletableFuture<Boolean> stored = new CompletableFuture<>();
        when(node.deliverForwardedWithinQuota(any())).thenReturn(stored);
        receive("other", 42, new ClusterMessage.Forward(QOS1));
        verify(node).deliverForwardedWithinQuota(sameMessage(QOS1));
        verify(back, never()).send(eq(new ClusterMessage.Ack(42, true)), isNull(), eq(false));
        assertEquals(1, counters.messagesReceived());

        stored.complete(false);
        verify(back).send(new ClusterMessage.Ack(42, true), null, false);
    }

    @Test
    void theAcknowledgementNamesTheForwardsEverySubscriberHereRefused() {
        when(node.deliverForwardedWithinQuota(any()))
                .thenReturn(CompletableFuture.completedFuture(false))
                .thenReturn(CompletableFuture.completedFuture(true));
        receive(
                "other",
                46,
                new ClusterMessage.Forward(QOS1),
                new ClusterMessage.Sync(),
                new ClusterMessage.Forward(QOS1));
        verify(back).send(new ClusterMessage.Ack(46, true, Set.of(2)), null, false);
    }

    @Test
    void aBatchThatCouldNotBeStoredIsAcknowledgedAsFailed() {
        when(node.applyRetained(any())).thenReturn(CompletableFuture.failedFuture(new IllegalStateException("disk")));
        receive("other", 43, new ClusterMessage.Retained(QOS1));
        verify(retainedTakeOver).changed("t/1");
        verify(back).send(new ClusterMessage.Ack(43, false), null, false);
    }

    @Test
    void aBatchOfMessagesWithNothingToStoreIsAcknowledgedAtOnce() {
        receive("other", 44, new ClusterMessage.Sync(), new ClusterMessage.MoveRouted("c"));
        verify(moves).routed("c", "other");
        verify(back).send(new ClusterMessage.Ack(44, true), null, false);
    }

    @Test
    void theFirstHelloIsAnsweredALaterOneResendsTheRoutes() {
        when(back.markReady()).thenReturn(true);
        receive("other", 0, new ClusterMessage.Hello());
        verify(back).send(new ClusterMessage.Hello(), null, false);
        assertTrue(routesSent.isEmpty());

        when(back.markReady()).thenReturn(false);
        receive("other", 0, new ClusterMessage.Hello());
        assertEquals(List.of(back), routesSent);
    }

    @Test
    void anAcknowledgementCompletesTheSentBatch() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        long id = acknowledgements.register(new Channel.Batch(
                "other", List.of(new Channel.Outgoing(new ClusterMessage.Sync(), done, false)), System.nanoTime()));
        receive("other", 0, new ClusterMessage.Ack(id, true));
        assertTrue(done.isDone() && !done.isCompletedExceptionally());
    }

    @Test
    void handOverMessagesGoToTheirHandlers() {
        ClusterMessage.Release release = new ClusterMessage.Release(1, "c", 2, false);
        ClusterMessage.Released released = new ClusterMessage.Released(1, null, null, Set.of());
        receive("other", 0, release, released, new ClusterMessage.TakeOver("d"), new ClusterMessage.MoveDone("e"));
        verify(ownership).release(back, release);
        verify(ownership).released(released);
        verify(ownership).takeOver("d", "other");
        verify(moves).done("e", "other");
    }

    @Test
    void lostNodeMessagesGoToLostNodes() {
        receive(
                "other",
                0,
                new ClusterMessage.Adopted("lost"),
                new ClusterMessage.Settled("lost"),
                new ClusterMessage.Placed("lost", Set.of("c"), true));
        verify(lostNodes).adopted("lost", "other");
        verify(lostNodes).settled("lost");
        verify(lostNodes).placedOn("lost", Set.of("c"), "other", true);
    }

    @Test
    void aRetainedSyncRequestIsAnsweredOffTheEventThread() {
        receive("other", 0, new ClusterMessage.RetainedSyncRequest(5));
        verifyNoInteractions(retainedTakeOver);
        assertEquals(1, work.size());
        work.get(0).run();
        verify(retainedTakeOver).send(back, 5);
    }

    @Test
    void framesFromItselfAfterCloseOrUnreadableAreDropped() {
        receive("me", 1, new ClusterMessage.RouteAdded("a"));
        closed = true;
        receive("other", 2, new ClusterMessage.RouteAdded("b"));
        closed = false;
        @SuppressWarnings("unchecked")
        Message<byte[]> garbage = mock(Message.class);
        when(garbage.getMessageObject()).thenReturn(new byte[] {99, 1, 2});
        inbox.onMessage(garbage);
        assertEquals(Set.of(), routes.match("a"));
        assertEquals(Set.of(), routes.match("b"));
        verifyNoInteractions(back);
    }

    @Test
    void everyMessageTypeHasAHandler() {
        // Java 17 checks no exhaustiveness of the Inbox's instanceof chain over the sealed
        // interface: a message type without a branch would only be logged as ignored.
        Logger logger = (Logger) LoggerFactory.getLogger(Inbox.class);
        Level level = logger.getLevel();
        logger.setLevel(Level.WARN);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            when(node.deliverForwardedWithinQuota(any())).thenReturn(CompletableFuture.completedFuture(false));
            when(node.applyRetained(any())).thenReturn(CompletableFuture.completedFuture(null));
            when(node.takeMessages(any(), any())).thenReturn(CompletableFuture.completedFuture(null));
            when(lostNodes.whenPlaced(any())).thenReturn(CompletableFuture.completedFuture(null));
            when(lostNodes.relay(any(), any(), anyBoolean())).thenReturn(CompletableFuture.completedFuture(null));
            when(lostNodes.deliverHere(any(), any(), anyBoolean())).thenReturn(CompletableFuture.completedFuture(null));
            when(moves.deliverRelayed(any(), any())).thenReturn(CompletableFuture.completedFuture(null));
            receive("other", 45, ClusterMessageTest.oneOfEach().toArray(ClusterMessage[]::new));
            verify(back).send(new ClusterMessage.Ack(45, true), null, false);
            assertEquals(
                    List.of(),
                    events.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        } finally {
            logger.detachAppender(events);
            logger.setLevel(level);
        }
    }

    /** The same message, read back from the wire (a copy: records compare payloads by identity). */
    private static StoredMessage sameMessage(StoredMessage expected) {
        return argThat(actual -> actual.id() == expected.id()
                && actual.topic().equals(expected.topic())
                && actual.qos() == expected.qos());
    }
}
