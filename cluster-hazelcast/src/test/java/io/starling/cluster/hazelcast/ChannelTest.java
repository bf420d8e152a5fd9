package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;

import com.hazelcast.topic.ITopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** One node's ordered, batched channel to another, over a stand-in inbox topic. */
class ChannelTest {

    private final List<Wire.Frame> published = new ArrayList<>();
    private final List<Channel.Batch> registered = new ArrayList<>();
    private final List<Wire.Frame> sent = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private final ITopic<byte[]> inbox = mock(ITopic.class);

    ChannelTest() {
        doAnswer(call -> published.add(Wire.decode(call.getArgument(0))))
                .when(inbox)
                .publish(any());
    }

    /** A channel whose sender runs the drain on the calling thread. */
    private Channel channel(int maxBatchMessages, int maxPending) {
        HazelcastSettings settings = TestSettings.unstarted(Duration.ofSeconds(10), maxBatchMessages, maxPending);
        return new Channel(
                "a",
                "b",
                inbox,
                Runnable::run,
                settings,
                batch -> {
                    registered.add(batch);
                    return registered.size();
                },
                sent::add);
    }

    @Test
    void messagesWaitForTheHelloThenGoInOrderInOneBatch() {
        Channel channel = channel(256, 100);
        channel.send(new ClusterMessage.RouteAdded("x"), null, false);
        channel.send(new ClusterMessage.RouteRemoved("x"), null, false);
        assertTrue(published.isEmpty(), "nothing goes before the other node listens");
        assertEquals(2, channel.queued());

        assertTrue(channel.markReady());
        assertFalse(channel.markReady(), "ready once");

        assertEquals(1, published.size());
        Wire.Frame frame = published.get(0);
        assertEquals("a", frame.source());
        assertEquals(0, frame.batchId(), "no one waits: no acknowledgement asked");
        assertEquals(
                List.of(new ClusterMessage.RouteAdded("x"), new ClusterMessage.RouteRemoved("x")), frame.messages());
        assertEquals(List.of(frame), sent);
        assertEquals(0, channel.queued());
    }

    @Test
    void aBatchSomeoneWaitsForIsRegisteredForItsAcknowledgement() {
        Channel channel = channel(256, 100);
        channel.markReady();
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.send(new ClusterMessage.Sync(), done, false);

        assertEquals(1, registered.size());
        assertEquals("b", registered.get(0).target());
        assertEquals(1, published.get(0).batchId());
        assertEquals(done, registered.get(0).items().get(0).done());
        assertFalse(done.isDone(), "done when acknowledged, not when sent");
    }

    @Test
    void batchesHoldAtMostTheConfiguredNumberOfMessages() {
        Channel channel = channel(2, 100);
        for (int i = 0; i < 5; i++) {
            channel.send(new ClusterMessage.RouteAdded("t/" + i), null, false);
        }
        channel.markReady();
        assertEquals(
                List.of(2, 2, 1),
                published.stream().map(frame -> frame.messages().size()).toList());
        assertEquals(
                new ClusterMessage.RouteAdded("t/4"),
                published.get(2).messages().get(0));
    }

    @Test
    void aFullChannelRefusesAndFailsWhatWaits() {
        Channel channel = channel(256, 16);
        for (int i = 0; i < 16; i++) {
            assertTrue(channel.send(new ClusterMessage.Sync(), null, false));
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        assertFalse(channel.offer(new ClusterMessage.Sync(), done, false));
        assertFalse(done.isDone(), "offer leaves it to the caller");
        assertFalse(channel.send(new ClusterMessage.Sync(), done, false));
        assertEquals("too much pending for node b", failure(done).getMessage());
    }

    @Test
    void closingReturnsWhatWasNotSentAndLaterSendsFailOrCountAsDone() {
        Channel channel = channel(256, 100);
        channel.send(new ClusterMessage.MoveDone("c"), null, false);
        List<Channel.Outgoing> unsent = channel.close();
        assertEquals(
                List.of(new ClusterMessage.MoveDone("c")),
                unsent.stream().map(Channel.Outgoing::message).toList());
        assertTrue(channel.isClosed());

        CompletableFuture<Void> mustArrive = new CompletableFuture<>();
        assertFalse(channel.send(new ClusterMessage.Sync(), mustArrive, false));
        assertEquals("node b left the cluster", failure(mustArrive).getMessage());
        CompletableFuture<Void> okIfGone = new CompletableFuture<>();
        channel.send(new ClusterMessage.Sync(), okIfGone, true);
        assertNull(okIfGone.getNow(null));
        assertTrue(okIfGone.isDone() && !okIfGone.isCompletedExceptionally());
        assertFalse(channel.markReady(), "a closed channel never becomes ready");
        assertTrue(published.isEmpty());
    }

    @Test
    void aFailedPublishFailsWhatWaitsForTheBatch() {
        Channel channel = channel(256, 100);
        doThrow(new IllegalStateException("hazelcast is down")).when(inbox).publish(any());
        CompletableFuture<Void> done = new CompletableFuture<>();
        channel.send(new ClusterMessage.Sync(), done, false);
        channel.markReady();
        assertEquals("hazelcast is down", failure(done).getMessage());
        assertTrue(sent.isEmpty());
    }

    @Test
    void publishNowSendsAtOnceWithoutWaitingForTheHello() {
        Channel channel = channel(256, 100);
        channel.publishNow(new ClusterMessage.Hello());
        assertEquals(List.of(new ClusterMessage.Hello()), published.get(0).messages());
        assertEquals(0, published.get(0).batchId());
    }

    @Test
    void sendToAllCompletesWhenEveryChannelsNodeAcknowledgedOrLeft() {
        Channel open = channel(256, 100);
        Channel closed = channel(256, 100);
        closed.close();
        CompletableFuture<Void> all = Channel.sendToAll(List.of(open, closed), new ClusterMessage.Sync())
                .toCompletableFuture();
        assertFalse(all.isDone(), "the open channel's node has not acknowledged");
        open.markReady();
        registered.get(0).items().get(0).done().complete(null);
        assertTrue(all.isDone() && !all.isCompletedExceptionally());
    }

    static Throwable failure(CompletableFuture<?> future) {
        assertTrue(future.isCompletedExceptionally());
        try {
            future.get();
            throw new AssertionError("not failed");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
