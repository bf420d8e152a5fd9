package io.starling.spi;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * Queued and in-flight QoS 1/2 messages of persistent sessions, and the inbound QoS 2 packet
 * ids that await PUBREL. Writes complete when durable at the configured level; the broker
 * sends PUBACK/PUBREC to a publisher only after every write its message caused completed.
 * Operations on one client are applied in the order they were called.
 */
public interface MessageQueueStore extends AutoCloseable {

    /**
     * Appends one message to the queues of several sessions (stored once, referenced by each),
     * and, when {@code receipt} is not null, records the inbound QoS 2 packet id in the same
     * atomic write, so that a crash never leaves the message routed without its receipt.
     */
    CompletionStage<Void> append(StoredMessage message, Collection<DeliveryTarget> targets, InboundQos2Receipt receipt);

    /**
     * The message was sent to the client with this packet id (it is now in flight). Fails with
     * {@link SessionContinuedElsewhereException} when another node holds the session now.
     */
    CompletionStage<Void> markSent(String clientId, long messageId, int packetId);

    /**
     * PUBREC for this in-flight QoS 2 message was received; only PUBREL/PUBCOMP remain. Fails
     * with {@link SessionContinuedElsewhereException} when another node holds the session now.
     */
    CompletionStage<Void> markReleased(String clientId, long messageId);

    /** The client acknowledged (PUBACK/PUBCOMP) the message, or it was dropped by policy. */
    CompletionStage<Void> remove(String clientId, long messageId);

    /**
     * Stores a message of a session that came from another node (handed over, or continued
     * from the cluster's copy), with the packet id and QoS 2 state it has there. A store that
     * also keeps a copy elsewhere for the session has it there already: only its own copy is
     * written.
     */
    default CompletionStage<Void> appendMoved(QueuedMessage queued, DeliveryTarget target) {
        CompletionStage<Void> appended = append(queued.message(), List.of(target), null);
        String clientId = target.clientId();
        long messageId = queued.message().id();
        if (queued.packetId() != 0) {
            markSent(clientId, messageId, queued.packetId());
        }
        if (queued.released()) {
            markReleased(clientId, messageId);
        }
        return appended;
    }

    /**
     * The message moved with its session to another node, which stored it: this node's copy
     * goes. Unlike {@link #remove}, the message is not done: a store that also keeps a copy
     * elsewhere for the session (a cluster's) leaves that copy to the session's new node.
     */
    default CompletionStage<Void> removeMoved(String clientId, long messageId) {
        return remove(clientId, messageId);
    }

    /**
     * Whether a QoS 2 message is sent to the client only once {@link #markSent} completed. True
     * for a store that keeps the packet id where another node may continue the session: a node
     * that continued it without the packet id of a message the client has would send the message
     * again under a new id, and the client would take it as a second message.
     */
    default boolean publishWaitsForMarkSent() {
        return false;
    }

    /** The client's queued and in-flight messages, oldest first. Read at start-up only. */
    List<QueuedMessage> load(String clientId);

    /**
     * Whether the stored queues are the queues: they can be read back page by page while the
     * broker runs ({@link #read}), so the core keeps only a window of each in memory, and
     * {@link #load} is not needed at start-up.
     */
    default boolean keepsQueues() {
        return false;
    }

    /**
     * Up to {@code max} of the client's queued and in-flight messages whose message id is above
     * {@code after} ({@link Long#MIN_VALUE}: from the start), by message id, which orders the
     * messages of each publisher of this node. Only for stores that {@link #keepsQueues}; the
     * stage completes on a thread of the store, never blocking the caller, and the read sees
     * every write called before it.
     */
    default CompletionStage<QueuePage> read(String clientId, long after, int max) {
        throw new UnsupportedOperationException("this store does not keep queues to read back");
    }

    /**
     * Why one more entry of the message would take the client's queue, or all queues, past
     * the store's limits; null when it fits (or the store has no limits). Answered from memory,
     * never blocking; the figures may lag the writes still in progress.
     */
    default QueueRefusal refuse(String clientId, StoredMessage message) {
        return null;
    }

    /** Inbound QoS 2 packet ids of the client still waiting for PUBREL. Read at start-up only. */
    Set<Integer> loadInboundQos2(String clientId);

    /** PUBREL for this inbound QoS 2 packet id was received. */
    CompletionStage<Void> releaseInboundQos2(String clientId, int packetId);

    @Override
    void close();
}
