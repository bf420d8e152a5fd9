package io.starling.spi;

/**
 * One outbound message of a persistent session, as a {@link MessageQueueStore} returns it.
 *
 * @param message  the message
 * @param qos      the QoS it is delivered with: min(published QoS, granted QoS), 1 or 2
 * @param packetId the packet id it was sent with, or 0 while it is still queued (never sent)
 * @param released true once the client's PUBREC was received (QoS 2): only PUBREL remains to be sent
 */
public record QueuedMessage(StoredMessage message, int qos, int packetId, boolean released) {}
