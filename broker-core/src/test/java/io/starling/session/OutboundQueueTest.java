package io.starling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.session.OutboundQueue.Pending;
import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded queue's order, byte count and limits, without a session or a socket. */
class OutboundQueueTest {

    private final OutboundQueue queue = new OutboundQueue();

    private static Pending pending(long id, int bytes) {
        return new Pending(new StoredMessage(id, "t", 1, false, new byte[bytes], 0), 1, false);
    }

    @Test
    void keepsOrderAndCountsPayloadBytes() {
        queue.addLast(pending(1, 10));
        queue.addLast(pending(2, 20));
        queue.addFirst(pending(3, 5));
        assertEquals(3, queue.size());
        assertEquals(35, queue.bytes());
        assertEquals(3, queue.removeFirst().message().id());
        assertEquals(1, queue.peekFirst().message().id());
        assertEquals(30, queue.bytes());
        List<QueuedMessage> snapshot = new ArrayList<>();
        queue.addTo(snapshot);
        assertEquals(
                List.of(1L, 2L), snapshot.stream().map(m -> m.message().id()).toList());
        assertEquals(0, snapshot.get(0).packetId());
    }

    @Test
    void isFullAtItsMessageLimit() {
        queue.addLast(pending(1, 10));
        assertFalse(queue.full(10, 2, 0));
        queue.addLast(pending(2, 10));
        assertTrue(queue.full(10, 2, 0));
        assertTrue(queue.atLimits(2, 0));
        assertEquals("queue full (2 messages)", queue.fullReason(10, 2, 0));
    }

    @Test
    void isFullWhenTheNextPayloadPassesItsByteLimit() {
        queue.addLast(pending(1, 60));
        assertFalse(queue.full(40, 10, 100), "exactly at the byte limit fits");
        assertTrue(queue.full(41, 10, 100));
        assertFalse(queue.atLimits(10, 100));
        assertEquals("queue full (60 + 41 bytes > 100 bytes)", queue.fullReason(41, 10, 100));
        queue.addLast(pending(2, 40));
        assertTrue(queue.atLimits(10, 100));
    }

    @Test
    void aByteLimitOfZeroIsNone() {
        queue.addLast(pending(1, 1_000_000));
        assertFalse(queue.full(1_000_000, 10, 0));
        assertFalse(queue.atLimits(10, 0));
    }

    @Test
    void theSharedEmptyQueueCannotBeWritten() {
        assertTrue(OutboundQueue.EMPTY.isEmpty());
        assertThrows(IllegalStateException.class, () -> OutboundQueue.EMPTY.addLast(pending(1, 1)));
        assertTrue(OutboundQueue.EMPTY.isEmpty());
    }
}
