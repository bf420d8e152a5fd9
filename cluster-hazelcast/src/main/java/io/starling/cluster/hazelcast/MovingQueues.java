package io.starling.cluster.hazelcast;

import com.hazelcast.map.IMap;
import io.starling.spi.ClusterNode;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionSnapshot;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues of sessions this node released to other nodes, on their way in parts
 * ({@link QueueStream}), and what becomes of a queue its new node did not store in full: the
 * rest goes on to wherever the session continues (the node that holds the client id now, which
 * may be this one), so that no acknowledged message waits for this node's next restart.
 */
final class MovingQueues {

    private static final Logger LOG = LoggerFactory.getLogger(MovingQueues.class);
    /** How often the holder of a session is looked for when nobody holds it yet. */
    private static final int ATTEMPTS = 10;

    private final String nodeId;
    private final Map<String, Channel> channels;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final ClusterCounters counters;
    private final int partBytes;
    private final QueueReplicas replicas;
    private volatile ClusterNode node;
    private volatile IMap<String, String> owners;

    /** @param channels the bus's channels to the other nodes (read only here) */
    MovingQueues(
            String nodeId,
            Map<String, Channel> channels,
            ScheduledExecutorService timer,
            Duration timeout,
            ClusterCounters counters,
            int partBytes,
            QueueReplicas replicas) {
        this.nodeId = nodeId;
        this.replicas = replicas;
        this.channels = channels;
        this.timer = timer;
        this.timeout = timeout;
        this.counters = counters;
        this.partBytes = partBytes;
    }

    void start(ClusterNode clusterNode, IMap<String, String> ownerMap) {
        this.node = clusterNode;
        this.owners = ownerMap;
    }

    /** The queue of a session released to the node at the other end of {@code channel}, to send after the answer. */
    QueueStream released(SessionSnapshot session, Channel channel) {
        return new QueueStream(
                session.clientId(),
                QueueStream.inFlight(session),
                QueueStream.queued(session),
                channel,
                node,
                counters,
                partBytes,
                (clientId, rest) -> leftBehind(channel.target(), clientId, rest));
    }

    /**
     * The new node did not confirm the rest of the queue. If it left and queues are copied, the
     * node that continues the session has the rest from the cluster's copy (this node's appends
     * are in it, and its removals of moved parts were its own copy's): this node's copy goes,
     * as after a complete move. Otherwise the rest is handed on.
     */
    private void leftBehind(String target, String clientId, List<QueuedMessage> rest) {
        if (replicas.enabled() && !channels.containsKey(target)) {
            LOG.info(
                    "Node {} left while {} message(s) of {} were on their way; the cluster's copy of the queue has them.",
                    target,
                    rest.size(),
                    clientId);
            node.sessionMoved(clientId);
            return;
        }
        handOn(clientId, rest);
    }

    /**
     * Messages of a moving session's queue that its new node did not confirm storing (it left,
     * failed, or did not answer in time), still in this node's store: sent in parts to the node
     * holding the session now (which queues them as new deliveries), or queued here if the
     * session is here again. If nobody holds it yet (the new node was lost and its sessions are
     * not placed yet), asked again a request timeout later; after {@value #ATTEMPTS} attempts they
     * stay in the store and go where the session is when this node restarts.
     */
    void handOn(String clientId, List<QueuedMessage> rest) {
        handOn(clientId, rest, 1);
    }

    private void handOn(String clientId, List<QueuedMessage> rest, int attempt) {
        owners.getAsync(clientId).whenComplete((value, failure) -> {
            String holder = failure != null || value == null
                    ? null
                    : ClaimProcessor.Owner.parse(value).node();
            Channel channel = holder == null ? null : channels.get(holder);
            if (nodeId.equals(holder)) {
                LOG.info("Queueing {} message(s) of {} here again: its move did not complete.", rest.size(), clientId);
                node.takeMessages(clientId, rest).whenComplete((ignored, error) -> {
                    if (error != null) {
                        LOG.error("Could not queue the messages of {} here again: {}", clientId, error.toString());
                    }
                });
            } else if (channel != null) {
                LOG.info(
                        "Sending {} message(s) of {} on to node {}, which holds it now.",
                        rest.size(),
                        clientId,
                        holder);
                new QueueStream(clientId, List.of(), rest, channel, node, counters, partBytes, this::handOn).start();
            } else if (attempt < ATTEMPTS) {
                timer.schedule(() -> handOn(clientId, rest, attempt + 1), timeout.toMillis(), TimeUnit.MILLISECONDS);
            } else {
                LOG.error(
                        "No node holds the session of {}; its {} message(s) stay in this node's store until it restarts.",
                        clientId,
                        rest.size());
            }
        });
    }
}
