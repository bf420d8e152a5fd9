package io.starling.cluster.hazelcast;

import io.starling.concurrent.Stages;
import io.starling.spi.ClusterNode;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistent sessions moving between two live nodes (a client connected to another node): what
 * is routed to the session during the move reaches it once and in each publisher's order
 * (docs/CLUSTER.md, "A session moves").
 *
 * <ol>
 * <li>The old node releases the session with a {@link MoveRelay}: the session stays in its
 *     routing and whatever reaches it there goes to the new node ({@link ClusterMessage.MovedMessage}),
 *     acknowledged once durable there.</li>
 * <li>The new node continues the session; messages routed to it there directly wait behind
 *     the relayed ones ({@link ClusterNode#expectRelay}). Once every node knows its routes
 *     (its record is written) it tells the old node ({@link ClusterMessage.MoveRouted}).</li>
 * <li>The old node waits until every node has handled what it sent before (a sync round:
 *     what they routed before they knew the new routes has arrived), takes the session out of
 *     its routing and, after the last relayed message, says {@link ClusterMessage.MoveDone}.</li>
 * <li>The new node delivers what waited. A request timeout later (copies of a message routed
 *     to both nodes have long arrived) it stops watching the session for duplicates.</li>
 * </ol>
 *
 * A session that arrived here is released to a third node only once its own move is done, so
 * relays never chain.
 */
final class SessionMoves {

    private static final Logger LOG = LoggerFactory.getLogger(SessionMoves.class);
    private static final CompletableFuture<Void> DONE = Stages.DONE.toCompletableFuture();

    /**
     * A session arriving here while the node it comes from relays to it; {@code heard}: when
     * that node last sent a part of the session's queue ({@link System#nanoTime()}).
     */
    private record Arrival(String from, AtomicBoolean routed, CompletableFuture<Void> relayed, AtomicLong heard) {}

    private final Map<String, Channel> channels;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    /** Sessions released here that still relay, by client id. */
    private final Map<String, MoveRelay> leaving = new ConcurrentHashMap<>();

    private final Map<String, Arrival> arriving = new ConcurrentHashMap<>();
    private final QueueReplicas replicas;
    private volatile ClusterNode node;

    /** @param channels the bus's channels to the other nodes (read only here) */
    SessionMoves(
            Map<String, Channel> channels, ScheduledExecutorService timer, Duration timeout, QueueReplicas replicas) {
        this.channels = channels;
        this.replicas = replicas;
        this.timer = timer;
        this.timeout = timeout;
    }

    void start(ClusterNode clusterNode) {
        this.node = clusterNode;
    }

    // ---- the node the session leaves

    /** The session is being released to the relay's node (see {@link #released}). */
    void releasing(String clientId, MoveRelay relay) {
        leaving.put(clientId, relay);
    }

    /**
     * The session was released to the relay's node ({@code moved}: a persistent one, which
     * relays until that node says its routes are known, or at the latest after the request
     * timeout), or there was none to release.
     */
    void released(String clientId, MoveRelay relay, boolean moved) {
        if (!moved) {
            leaving.remove(clientId, relay);
            return;
        }
        timer.schedule(
                () -> {
                    if (leaving.get(clientId) == relay && !relay.isFinishing()) {
                        LOG.warn(
                                "Node {} did not confirm the routes of {} within {} ms; its relay ends now.",
                                relay.target(),
                                clientId,
                                timeout.toMillis());
                        finish(clientId, relay);
                    }
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Whether sessions released here still relay to their new nodes. */
    boolean relaying() {
        return !leaving.isEmpty();
    }

    /** {@link ClusterMessage.MoveRouted} from the session's new node. */
    void routed(String clientId, String source) {
        MoveRelay relay = leaving.get(clientId);
        LOG.debug("Move of {}: node {} says its routes are known (relaying: {}).", clientId, source, relay != null);
        if (relay != null && relay.target().equals(source)) {
            finish(clientId, relay);
        }
    }

    /** Ends the relay; the move counts as ongoing ({@link #relaying}) until the new node has handled its end. */
    private void finish(String clientId, MoveRelay relay) {
        if (!relay.startFinishing()) {
            return;
        }
        LOG.debug("Move of {}: relay to node {} ends after a sync round.", clientId, relay.target());
        Channel.sendToAll(channels.values(), new ClusterMessage.Sync())
                .handle((ignored, failure) -> null)
                .thenCompose(ignored -> node.endRelay(clientId))
                .handle((ignored, failure) -> relay.finish())
                .thenCompose(handled -> handled)
                .whenComplete((ignored, failure) -> {
                    LOG.debug("Move of {}: relay to node {} ended.", clientId, relay.target());
                    leaving.remove(clientId, relay);
                });
    }

    // ---- the node the session arrives at

    /**
     * The claimed session comes from {@code from}, which sends its queue and relays to it:
     * messages routed to it here wait behind those until that node is done, or at the latest
     * three request timeouts after it last sent a part of the queue. Call before the claim
     * completes.
     */
    void arriving(String clientId, String from) {
        Arrival arrival =
                new Arrival(from, new AtomicBoolean(), new CompletableFuture<>(), new AtomicLong(System.nanoTime()));
        LOG.debug("Move of {}: arriving from node {}, which relays to it.", clientId, from);
        node.expectRelay(clientId);
        Arrival earlier = arriving.put(clientId, arrival);
        if (earlier != null) {
            earlier.relayed().complete(null);
        }
        watch(clientId, arrival, timeout.toMillis() * 3);
    }

    /** Ends the arrival if its node stays silent for three request timeouts (a long queue keeps it going). */
    private void watch(String clientId, Arrival arrival, long delayMillis) {
        timer.schedule(
                () -> {
                    if (arriving.get(clientId) != arrival) {
                        return;
                    }
                    long limit = timeout.toMillis() * 3;
                    long silent = TimeUnit.NANOSECONDS.toMillis(
                            System.nanoTime() - arrival.heard().get());
                    if (silent < limit) {
                        watch(clientId, arrival, limit - silent);
                        return;
                    }
                    LOG.warn(
                            "Node {} did not finish relaying the messages of {} within {} ms.",
                            arrival.from(),
                            clientId,
                            limit);
                    done(clientId, arrival.from());
                },
                delayMillis,
                TimeUnit.MILLISECONDS);
    }

    /**
     * A part of the queue of a session moving here from {@code source}: queued behind what the
     * session has. If the session did not arrive with a relay from there (the answer came after
     * the claim had continued the session from its record), its messages are queued as new
     * deliveries, as messages handed back are.
     *
     * @return completes when the part is stored
     */
    CompletionStage<Void> queuePart(ClusterMessage.QueuePart part, String source) {
        String clientId = part.clientId();
        Arrival arrival = arriving.get(clientId);
        LOG.debug(
                "Move of {}: {} queued message(s) from node {}{}.",
                clientId,
                part.messages().size(),
                source,
                part.last() ? ", the last part" : "");
        if (arrival != null && arrival.from().equals(source)) {
            arrival.heard().set(System.nanoTime());
            return node.continueQueue(clientId, part.messages(), part.last());
        }
        return part.messages().isEmpty() ? DONE : node.takeMessages(clientId, part.messages());
    }

    /** A relayed message for a session that arrived here. */
    CompletionStage<Void> deliverRelayed(String clientId, StoredMessage message) {
        LOG.debug("Move of {}: relayed message {} on '{}'.", clientId, message.id(), message.topic());
        return node.deliverTo(List.of(clientId), message);
    }

    /** The session's record was written here: if it arrived with a relay, its routes are known everywhere now. */
    void recordWritten(String clientId) {
        Arrival arrival = arriving.get(clientId);
        if (arrival == null || !arrival.routed().compareAndSet(false, true)) {
            return;
        }
        Channel channel = channels.get(arrival.from());
        if (channel != null) {
            channel.send(new ClusterMessage.MoveRouted(clientId), null, false);
        }
    }

    /** {@link ClusterMessage.MoveDone} from the node the session came from (or it left, or took too long). */
    void done(String clientId, String source) {
        Arrival arrival = arriving.get(clientId);
        if (arrival == null || !arrival.from().equals(source) || !arriving.remove(clientId, arrival)) {
            LOG.debug("Move of {}: end of a relay from node {} ignored (arriving: {}).", clientId, source, arrival);
            return;
        }
        LOG.debug("Move of {}: node {} relayed everything.", clientId, source);
        node.relayEnded(clientId);
        arrival.relayed().complete(null);
        // A local publish on the old node that matched the session just before it left routing may
        // relay a copy after MOVE_DONE, while the same message also came here directly: duplicates
        // are watched for a request timeout longer (unless the session is arriving here again).
        timer.schedule(
                () -> {
                    if (!arriving.containsKey(clientId)) {
                        node.stopWatchingForDuplicates(List.of(clientId));
                    }
                },
                timeout.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Completes when the session that arrived here has all that was relayed to it (at once if none is relayed). */
    CompletableFuture<Void> arrived(String clientId) {
        Arrival arrival = arriving.get(clientId);
        return arrival == null ? DONE : arrival.relayed();
    }

    /** The node left: moves to it end, and moves from it get nothing more. */
    void nodeLeft(String lostNode) {
        leaving.forEach((clientId, relay) -> {
            if (relay.target().equals(lostNode)) {
                finish(clientId, relay);
            }
        });
        arriving.forEach((clientId, arrival) -> {
            if (!arrival.from().equals(lostNode)) {
                return;
            }
            if (!replicas.enabled()) {
                done(clientId, lostNode);
                return;
            }
            // The rest of its queue is in the cluster's copy (this node's since the answer): queued
            // before what waited for the relay.
            replicas.take(clientId)
                    .thenCompose(copy -> node.takeMessages(clientId, copy))
                    .whenComplete((ignored, failure) -> {
                        if (failure != null) {
                            LOG.warn(
                                    "Could not take the rest of the queue of {} from the cluster's copy after node {}"
                                            + " left: {}",
                                    clientId,
                                    lostNode,
                                    failure.toString());
                        }
                        done(clientId, lostNode);
                    });
        });
    }
}
