package io.starling.session;

import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The messages waiting to be sent to one client, oldest first, one FIFO for all QoS, with
 * their payload bytes: whether another message fits under the client's limits and, when it
 * does not, why. The policies (drop, push back) are its owner's ({@link Outbound}). Confined
 * to the session's executor.
 */
final class OutboundQueue {

    /** A message waiting for room in the in-flight window (QoS 1/2) or the socket (QoS 0). */
    record Pending(StoredMessage message, int qos, boolean stored) {}

    /**
     * The queue of every session that never queued a message: never written to (the owner
     * replaces it by its own at the first message, see {@link #add}).
     */
    static final OutboundQueue EMPTY = new OutboundQueue(new ArrayDeque<>(0));

    private final ArrayDeque<Pending> messages;
    /** Payload bytes of the messages queued. */
    private long bytes;

    OutboundQueue() {
        // Small, growing when needed: most clients queue little (the default 16 slots take 64 bytes).
        this(new ArrayDeque<>(1));
    }

    private OutboundQueue(ArrayDeque<Pending> messages) {
        this.messages = messages;
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    int size() {
        return messages.size();
    }

    /** Payload bytes of the messages queued. */
    long bytes() {
        return bytes;
    }

    Pending peekFirst() {
        return messages.peekFirst();
    }

    void addLast(Pending pending) {
        add(pending, false);
    }

    /** A message that was to be sent and must wait after all, ahead of the others. */
    void addFirst(Pending pending) {
        add(pending, true);
    }

    private void add(Pending pending, boolean first) {
        if (this == EMPTY) {
            throw new IllegalStateException("the shared empty queue is never written to");
        }
        if (first) {
            messages.addFirst(pending);
        } else {
            messages.addLast(pending);
        }
        bytes += pending.message().payload().length;
    }

    Pending removeFirst() {
        Pending first = messages.removeFirst();
        bytes -= first.message().payload().length;
        return first;
    }

    /**
     * Whether the queue is at its limits: {@code maxMessages} messages, or {@code maxBytes}
     * payload bytes (0: no byte limit).
     */
    boolean atLimits(int maxMessages, long maxBytes) {
        return messages.size() >= maxMessages || (maxBytes > 0 && bytes >= maxBytes);
    }

    /** Whether a message of {@code size} payload bytes does not fit under the limits as the queue is. */
    boolean full(long size, int maxMessages, long maxBytes) {
        return messages.size() >= maxMessages || (maxBytes > 0 && bytes + size > maxBytes);
    }

    /** Why a message of {@code size} bytes does not fit, for the drop log. */
    String fullReason(long size, int maxMessages, long maxBytes) {
        return messages.size() >= maxMessages
                ? "queue full (" + maxMessages + " messages)"
                : "queue full (" + bytes + " + " + size + " bytes > " + maxBytes + " bytes)";
    }

    /**
     * Takes the queued messages with one of the {@code ids} out of the queue (a shared
     * subscription's messages that go to another member), oldest first.
     */
    List<Pending> remove(Set<Long> ids) {
        List<Pending> removed = new ArrayList<>();
        messages.removeIf(pending -> {
            if (!ids.contains(pending.message().id())) {
                return false;
            }
            removed.add(pending);
            bytes -= pending.message().payload().length;
            return true;
        });
        return removed;
    }

    /** Adds the message ids queued to {@code ids}. */
    void addMessageIds(Set<Long> ids) {
        messages.forEach(pending -> ids.add(pending.message().id()));
    }

    /** Adds the queued messages, without packet ids, to {@code snapshot}, oldest first. */
    void addTo(List<QueuedMessage> snapshot) {
        messages.forEach(pending -> snapshot.add(new QueuedMessage(pending.message(), pending.qos(), 0, false)));
    }
}
