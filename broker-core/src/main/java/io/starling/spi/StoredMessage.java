package io.starling.spi;

import java.util.Objects;

/**
 * An application message as the broker keeps it: routed, queued, retained and stored.
 * Immutable; the payload array is never modified after construction, so one instance
 * can be shared by every subscriber it is delivered to.
 *
 * @param id        broker-wide unique, increasing per node; stores key queued copies by it
 * @param topic     the topic name it was published to
 * @param qos       the QoS it was published with (0, 1 or 2)
 * @param retain    the retain flag it was published with
 * @param payload   the payload bytes (never null, may be empty)
 * @param timestamp milliseconds since the epoch when the broker received it
 * @param properties its MQTT 5 properties ({@link MessageProperties#NONE} for none)
 */
public record StoredMessage(
        long id, String topic, int qos, boolean retain, byte[] payload, long timestamp, MessageProperties properties) {

    public StoredMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(properties, "properties");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos " + qos);
        }
    }

    /** A message without MQTT 5 properties (every MQTT 3.1/3.1.1 message). */
    public StoredMessage(long id, String topic, int qos, boolean retain, byte[] payload, long timestamp) {
        this(id, topic, qos, retain, payload, timestamp, MessageProperties.NONE);
    }

    /** The same message with another retain flag (stored retained copies always carry retain=1). */
    public StoredMessage withRetain(boolean newRetain) {
        return newRetain == retain
                ? this
                : new StoredMessage(id, topic, qos, newRetain, payload, timestamp, properties);
    }

    /**
     * Milliseconds since the epoch from which it {@link #isExpired is expired}; {@link Long#MAX_VALUE}
     * for a message without a Message Expiry Interval.
     */
    public long expiresAtMillis() {
        return properties.hasExpiry() ? timestamp + properties.messageExpiryInterval() * 1000 : Long.MAX_VALUE;
    }

    /** Whether its Message Expiry Interval has passed at {@code nowMillis} [MQTT-3.3.2-5]. */
    public boolean isExpired(long nowMillis) {
        return properties.hasExpiry() && properties.remainingSeconds(timestamp, nowMillis) <= 0;
    }
}
