package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.starling.concurrent.Stages;
import io.starling.spi.ClusterNode;
import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A moving session's queue sent in bounded parts, removed here as the other node stores them. */
class QueueStreamTest {

    /** Two messages of 1,000 payload bytes fit in a part, a third does not. */
    private static final int PART_BYTES = 2 * (1000 + 1 + 32) + 10;

    private record Sent(ClusterMessage.QueuePart part, CompletableFuture<Void> stored) {}

    private final List<Sent> sent = new ArrayList<>();
    private final Channel channel = mock(Channel.class);
    private final ClusterNode node = mock(ClusterNode.class);
    private final ClusterCounters counters = new ClusterCounters(() -> 2, () -> 0, () -> true);
    private final List<List<QueuedMessage>> leftBehind = new ArrayList<>();

    QueueStreamTest() {
        when(channel.target()).thenReturn("b");
        doAnswer(call -> sent.add(new Sent(call.getArgument(0), call.getArgument(1))))
                .when(channel)
                .send(any(), any(), anyBoolean());
        when(node.queuePartMoved(anyString(), any())).thenReturn(Stages.DONE);
        when(node.sessionMoved(anyString())).thenReturn(Stages.DONE);
    }

    private static QueuedMessage queued(long id, int packetId) {
        return new QueuedMessage(new StoredMessage(id, "t", 1, false, new byte[1000], 0), 1, packetId, false);
    }

    private static List<QueuedMessage> queue(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(id -> queued(id, 0)).toList();
    }

    private QueueStream stream(List<QueuedMessage> carried, List<QueuedMessage> queue) {
        return new QueueStream(
                "c", carried, queue, channel, node, counters, PART_BYTES, (id, rest) -> leftBehind.add(rest));
    }

    private static List<Long> ids(List<QueuedMessage> messages) {
        return messages.stream().map(m -> m.message().id()).toList();
    }

    @Test
    void theQueueGoesInBoundedPartsTwoAtATimeAndIsDeletedHereOnceAllAreStored() {
        CompletableFuture<Void> done =
                stream(List.of(queued(1, 7)), queue(2, 6)).start();
        assertEquals(2, sent.size(), "two parts unconfirmed at most");
        assertEquals(List.of(2L, 3L), ids(sent.get(0).part().messages()));
        assertEquals(List.of(4L, 5L), ids(sent.get(1).part().messages()));

        sent.get(0).stored().complete(null);
        verify(node).queuePartMoved("c", List.of(1L, 2L, 3L)); // with the in-flight message the answer carried
        assertEquals(3, sent.size());
        assertEquals(List.of(6L), ids(sent.get(2).part().messages()));
        assertTrue(sent.get(2).part().last());
        assertFalse(sent.get(1).part().last());

        sent.get(2).stored().complete(null);
        verify(node, never()).sessionMoved("c");
        sent.get(1).stored().complete(null);
        verify(node).queuePartMoved("c", List.of(4L, 5L));
        verify(node).sessionMoved("c");
        assertTrue(done.isDone() && !done.isCompletedExceptionally());
        assertEquals(3, counters.queuePartsSent());
        assertTrue(counters.largestQueuePartBytes() <= PART_BYTES, counters.largestQueuePartBytes() + " bytes");
        assertEquals(List.of(), leftBehind);
    }

    @Test
    void anEmptyQueueStillEndsWithALastPart() {
        CompletableFuture<Void> done = stream(List.of(queued(1, 7)), List.of()).start();
        assertEquals(1, sent.size());
        assertTrue(sent.get(0).part().last());
        sent.get(0).stored().complete(null);
        verify(node).queuePartMoved("c", List.of(1L));
        verify(node).sessionMoved("c");
        assertTrue(done.isDone());
    }

    @Test
    void aPartNotStoredLeavesWhatTheOtherNodeDidNotConfirmForWhereTheSessionContinues() {
        CompletableFuture<Void> done = stream(List.of(), queue(1, 7)).start();
        sent.get(0).stored().complete(null);
        sent.get(1).stored().completeExceptionally(new IllegalStateException("node b left the cluster"));
        assertEquals(
                List.of(List.of(3L, 4L, 5L, 6L, 7L)),
                leftBehind.stream().map(QueueStreamTest::ids).toList());
        assertTrue(done.isCompletedExceptionally());
        sent.get(2).stored().complete(null); // a later answer changes nothing
        verify(node).queuePartMoved("c", List.of(1L, 2L));
        verify(node, never()).queuePartMoved("c", List.of(5L, 6L));
        verify(node, never()).sessionMoved("c");
        assertEquals(3, sent.size(), "nothing more sent");
    }
}
