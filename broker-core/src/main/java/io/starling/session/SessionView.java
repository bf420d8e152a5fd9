package io.starling.session;

import java.util.Map;

/**
 * A session as the admin API shows it, read on the session's own thread.
 *
 * @param clientId      the client id
 * @param persistent    clean session 0
 * @param connection    its connection, or null while the client is offline
 * @param subscriptions filter to granted QoS
 * @param inFlight      outbound QoS 1/2 messages sent and not yet acknowledged
 * @param queued        messages waiting to be sent (in memory, plus those waiting in the store)
 */
public record SessionView(
        String clientId,
        boolean persistent,
        ConnectionDetails connection,
        Map<String, Integer> subscriptions,
        int inFlight,
        long queued) {}
