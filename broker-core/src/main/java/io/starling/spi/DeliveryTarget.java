package io.starling.spi;

/**
 * A persistent session a message is to be queued for.
 *
 * @param clientId the session's client id
 * @param qos      the QoS it is delivered with (1 or 2)
 */
public record DeliveryTarget(String clientId, int qos) {}
