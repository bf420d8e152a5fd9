package io.starling.spi;

import java.util.Map;
import java.util.Objects;

/**
 * The durable part of a persistent (clean session 0) session.
 *
 * @param clientId      the client id
 * @param subscriptions topic filter to granted QoS
 * @param expiry        when it ends without a connection ({@link SessionExpiry#NEVER} for 3.1.1 sessions)
 */
public record SessionRecord(String clientId, Map<String, Integer> subscriptions, SessionExpiry expiry) {

    public SessionRecord {
        subscriptions = Map.copyOf(subscriptions);
        Objects.requireNonNull(expiry, "expiry");
    }

    /** A session that never expires (MQTT 3.1.1). */
    public SessionRecord(String clientId, Map<String, Integer> subscriptions) {
        this(clientId, subscriptions, SessionExpiry.NEVER);
    }
}
