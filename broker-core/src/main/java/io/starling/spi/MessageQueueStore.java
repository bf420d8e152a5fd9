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

    /** The message was sent to the client with this packet id (it is now in flight). */
    CompletionStage<Void> markSent(String clientId, long messageId, int packetId);

    /** PUBREC for this in-flight QoS 2 message was received; only PUBREL/PUBCOMP remain. */
    CompletionStage<Void> markReleased(String clientId, long messageId);

    /** The client acknowledged (PUBACK/PUBCOMP) the message, or it was dropped by policy. */
    CompletionStage<Void> remove(String clientId, long messageId);

    /** The client's queued and in-flight messages, oldest first. Read at start-up only. */
    List<QueuedMessage> load(String clientId);

    /** Inbound QoS 2 packet ids of the client still waiting for PUBREL. Read at start-up only. */
    Set<Integer> loadInboundQos2(String clientId);

    /** PUBREL for this inbound QoS 2 packet id was received. */
    CompletionStage<Void> releaseInboundQos2(String clientId, int packetId);

    @Override
    void close();
}
