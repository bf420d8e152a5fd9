package io.starling.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything of a persistent session, as it moves from one node to another when its client
 * reconnects elsewhere in the cluster.
 *
 * @param clientId      the client id
 * @param subscriptions topic filter to granted QoS
 * @param messages      in-flight (packet id set) and queued messages, in order
 * @param inboundQos2   the client's QoS 2 packet ids still waiting for PUBREL
 * @param packetIdsFrom where the node continuing the session starts handing out packet ids (a
 *                      position, see {@link ClusterBus#leasePacketIds}): every id the session
 *                      may have used is before it; 0 if not known
 * @param expiry        when the session ends without a connection
 */
public record SessionSnapshot(
        String clientId,
        Map<String, Integer> subscriptions,
        List<QueuedMessage> messages,
        Set<Integer> inboundQos2,
        long packetIdsFrom,
        SessionExpiry expiry) {

    public SessionSnapshot {
        subscriptions = Map.copyOf(subscriptions);
        messages = List.copyOf(messages);
        inboundQos2 = Set.copyOf(inboundQos2);
        Objects.requireNonNull(expiry, "expiry");
    }

    /** A session that never expires (MQTT 3.1.1). */
    public SessionSnapshot(
            String clientId,
            Map<String, Integer> subscriptions,
            List<QueuedMessage> messages,
            Set<Integer> inboundQos2,
            long packetIdsFrom) {
        this(clientId, subscriptions, messages, inboundQos2, packetIdsFrom, SessionExpiry.NEVER);
    }
}
