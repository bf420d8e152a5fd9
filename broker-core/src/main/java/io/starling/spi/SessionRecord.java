package io.starling.spi;

import java.util.Map;

/**
 * The durable part of a persistent (clean session 0) session.
 *
 * @param clientId      the client id
 * @param subscriptions topic filter to granted QoS
 */
public record SessionRecord(String clientId, Map<String, Integer> subscriptions) {

    public SessionRecord {
        subscriptions = Map.copyOf(subscriptions);
    }
}
