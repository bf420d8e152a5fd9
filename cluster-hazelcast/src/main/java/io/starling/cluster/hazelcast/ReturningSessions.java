package io.starling.cluster.hazelcast;

import com.hazelcast.map.IMap;
import io.starling.spi.ClusterNode;
import io.starling.spi.SessionSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions this node has that the cluster may have continued elsewhere meanwhile: restored
 * from this node's store at start, or kept through a network split. This node claims their
 * client ids again unless a live node holds one; then the session continued there, and the
 * messages stored here for it go to that node, unless queues are copied ({@link QueueReplicas}):
 * then the session continued with the copy, and a restored session's messages are dropped. A
 * session kept here sets the copy to what this node restored.
 */
final class ReturningSessions {

    private static final Logger LOG = LoggerFactory.getLogger(ReturningSessions.class);

    private final String nodeId;
    private final Map<String, Channel> channels;
    private final Supplier<Set<String>> otherNodes;
    private final SessionRecordMirror records;
    private final QueueReplicas replicas;
    private final Duration timeout;
    private volatile ClusterNode node;
    private volatile IMap<String, String> owners;

    ReturningSessions(
            String nodeId,
            Map<String, Channel> channels,
            Supplier<Set<String>> otherNodes,
            SessionRecordMirror records,
            QueueReplicas replicas,
            Duration timeout) {
        this.nodeId = nodeId;
        this.replicas = replicas;
        this.channels = channels;
        this.otherNodes = otherNodes;
        this.records = records;
        this.timeout = timeout;
    }

    void start(ClusterNode localNode, IMap<String, String> ownerMap) {
        this.node = localNode;
        this.owners = ownerMap;
    }

    /**
     * A session restored from this node's store at start. If its client continued it on another
     * live node meanwhile (that node holds the id), the restored messages go there and this
     * node drops its copy (false); otherwise this node claims the id and keeps the session (true).
     */
    CompletionStage<Boolean> restored(SessionSnapshot restored) {
        String clientId = restored.clientId();
        Set<String> live = new HashSet<>(otherNodes.get());
        return owners.submitToKey(clientId, ClaimProcessor.unlessHeldBy(nodeId, live))
                .thenCompose(previousValue -> {
                    String holder = holder(previousValue);
                    Channel channel = holder == null ? null : channels.get(holder);
                    if (holder == null || !live.contains(holder) || channel == null) {
                        // Kept: the cluster's copy of its queue is what this node restored.
                        return records.kept(clientId, restored.subscriptions(), restored.expiry())
                                .thenCombine(replicas.reset(clientId, restored.messages()), (kept, reset) -> true);
                    }
                    if (restored.messages().isEmpty()) {
                        return CompletableFuture.completedFuture(false);
                    }
                    if (replicas.enabled()) {
                        dropped(restored, holder);
                        return CompletableFuture.completedFuture(false);
                    }
                    CompletableFuture<Void> handedBack = timed(new CompletableFuture<>());
                    channel.send(new ClusterMessage.HandBack(restored), handedBack, false);
                    return handedBack.handle((ignored, failure) -> {
                        if (failure != null) {
                            LOG.warn(
                                    "Could not hand the {} stored message(s) of {} to node {}, which holds its session now;"
                                            + " keeping them here: {}",
                                    restored.messages().size(),
                                    clientId,
                                    holder,
                                    failure.toString());
                            return true;
                        }
                        LOG.info(
                                "Handed the {} stored message(s) of {} to node {}, where its session continued.",
                                restored.messages().size(),
                                clientId,
                                holder);
                        return false;
                    });
                })
                .toCompletableFuture();
    }

    /**
     * After a merge, this node's client-id entries may be missing (the other side removed them as
     * a lost node's, and Hazelcast merges the map data in later): claims them again for the
     * sessions here, so that a connect elsewhere displaces them. A session whose id a live node
     * of the other side holds was continued there during the split (its client connected there,
     * or that side took this node's sessions over): the copy here is dropped, its connection
     * closed, and what was queued here for it goes to that node, unless queues are copied: then
     * that node has every message this node acknowledged, and what is queued here is dropped.
     */
    CompletableFuture<Void> reclaimAfterMerge() {
        Set<String> live = new HashSet<>(otherNodes.get());
        live.add(nodeId);
        Set<String> sessions = node.clientIds();
        List<CompletableFuture<?>> settled = new ArrayList<>(sessions.size());
        for (String clientId : sessions) {
            settled.add(owners.submitToKey(clientId, ClaimProcessor.unlessHeldBy(nodeId, live))
                    .toCompletableFuture()
                    .thenCompose(previousValue -> settle(clientId, holder(previousValue), live))
                    .exceptionally(failure -> {
                        LOG.warn(
                                "Could not claim client id {} again after the merge: {}", clientId, failure.toString());
                        return null;
                    }));
        }
        LOG.info("Claiming the ids of {} session(s) here again after the merge.", sessions.size());
        return CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new));
    }

    /** Drops the session here if a live node of the other side continued it, else keeps its copy. */
    private CompletionStage<?> settle(String clientId, String holder, Set<String> live) {
        if (holder == null || holder.equals(nodeId) || !live.contains(holder)) {
            // The other side may have taken the copy of its queue over during the split: this
            // node's changes would be refused.
            return replicas.take(clientId);
        }
        LOG.info("The session of {} continued on node {} during the split; dropping the copy here.", clientId, holder);
        return node.releaseSession(clientId, null, false)
                .thenAccept(released -> released.filter(
                                session -> !session.messages().isEmpty())
                        .ifPresent(session -> {
                            if (replicas.enabled()) {
                                dropped(session, holder);
                            } else {
                                handBack(holder, session);
                            }
                        }));
    }

    /**
     * The node holding the session continued it with the cluster's copy of its queue, which has
     * every message this node acknowledged: handing these over would deliver them twice.
     */
    private static void dropped(SessionSnapshot session, String holder) {
        LOG.info(
                "Dropped the {} stored message(s) of {}: its session continued on node {} with the"
                        + " cluster's copy of its queue.",
                session.messages().size(),
                session.clientId(),
                holder);
    }

    private static String holder(String ownerValue) {
        return ownerValue == null
                ? null
                : ClaimProcessor.Owner.parse(ownerValue).node();
    }

    /**
     * Sends the messages stored here for a session to the node that holds the session now. The
     * session is gone here already, so if that node does not store them they are lost: logged.
     */
    private void handBack(String holder, SessionSnapshot session) {
        Channel channel = channels.get(holder);
        if (channel == null) {
            LOG.error(
                    "Lost {} message(s) stored for {}: node {}, which holds its session, left.",
                    session.messages().size(),
                    session.clientId(),
                    holder);
            return;
        }
        CompletableFuture<Void> stored = timed(new CompletableFuture<>());
        stored.whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.error(
                        "Lost {} message(s) stored for {}: node {}, which holds its session, did not store them: {}",
                        session.messages().size(),
                        session.clientId(),
                        holder,
                        failure.toString());
            }
        });
        channel.send(new ClusterMessage.HandBack(session), stored, false);
    }

    private <T> CompletableFuture<T> timed(CompletableFuture<T> future) {
        return future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
