package io.starling.spi;

/**
 * A persistent session a message is to be queued for.
 *
 * @param clientId the session's client id
 * @param qos      the QoS it is delivered with (1 or 2)
 * @param retain   the RETAIN flag it is delivered with: 1 for a retained message sent to a new
 *     subscription and for a message published with RETAIN 1 to a Retain As Published
 *     subscription, otherwise 0 (one stored message may go to several sessions with different
 *     flags)
 */
public record DeliveryTarget(String clientId, int qos, boolean retain) {

    /** A target that gets the message with RETAIN 0. */
    public DeliveryTarget(String clientId, int qos) {
        this(clientId, qos, false);
    }
}
