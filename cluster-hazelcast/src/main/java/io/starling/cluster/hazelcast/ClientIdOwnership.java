package io.starling.cluster.hazelcast;

import com.hazelcast.map.IMap;
import io.starling.spi.ClusterNode;
import io.starling.spi.SessionSnapshot;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client ids are unique across the cluster: the IMap {@code starling.client-owners} maps a
 * client id to {@code node/epoch}, changed only by {@link ClaimProcessor} on the key's
 * partition owner. A claim asks the previous owner node to release its session (RELEASE /
 * RELEASED through the channels) and carries it over; a session of a lost node continues from
 * the cluster's record of it.
 */
final class ClientIdOwnership {

    private static final Logger LOG = LoggerFactory.getLogger(ClientIdOwnership.class);

    /** A session hand-over asked of another node. */
    private record Request(
            String target, String clientId, boolean cleanStart, CompletableFuture<Optional<SessionSnapshot>> result) {}

    private final String nodeId;
    private final Map<String, Channel> channels;
    private final LocalClaims claims;
    private final LostNodes lostNodes;
    private final SessionMoves moves;
    private final InboundQos2Records inboundQos2;
    private final Supplier<Set<String>> otherNodes;
    private final LongSupplier ids;
    private final Duration timeout;
    private final MovingQueues queues;
    private final QueueReplicas replicas;
    private final Map<Long, Request> requests = new ConcurrentHashMap<>();
    private volatile ClusterNode node;
    private volatile IMap<String, String> owners;
    private volatile IMap<String, String> sessionRecords;

    /**
     * @param channels   the bus's channels to the other nodes (read only here)
     * @param otherNodes the node ids of the other members
     */
    ClientIdOwnership(
            String nodeId,
            Map<String, Channel> channels,
            LocalClaims claims,
            LostNodes lostNodes,
            SessionMoves moves,
            InboundQos2Records inboundQos2,
            Supplier<Set<String>> otherNodes,
            LongSupplier ids,
            Duration timeout,
            MovingQueues queues,
            QueueReplicas replicas) {
        this.nodeId = nodeId;
        this.replicas = replicas;
        this.channels = channels;
        this.claims = claims;
        this.lostNodes = lostNodes;
        this.moves = moves;
        this.inboundQos2 = inboundQos2;
        this.otherNodes = otherNodes;
        this.ids = ids;
        this.timeout = timeout;
        this.queues = queues;
    }

    void start(ClusterNode clusterNode, IMap<String, String> ownerMap, IMap<String, String> records) {
        this.node = clusterNode;
        this.owners = ownerMap;
        this.sessionRecords = records;
    }

    /**
     * Claims the client id for a connection here; completes with the session the previous owner
     * node released (or the record of a lost node's session), if any. One Hazelcast call
     * ({@link ConnectClaim}) unless another node holds the session, an earlier claim here is
     * still in progress, or a client starting afresh ends a lost node's session.
     *
     * @param cleanStart the client starts a new session: nothing of the old one is read, a
     *     lost node's session of the id ends with this claim, and a live holder ends its session
     *     (publishing a will that waits for its delay)
     */
    CompletionStage<Optional<SessionSnapshot>> claim(String clientId, boolean cleanStart) {
        IMap<String, String> map = owners;
        if (map == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        LocalClaims.Claim claim = claims.begin(clientId);
        CompletableFuture<Optional<SessionSnapshot>> result = new CompletableFuture<>();
        Set<String> liveAtClaim = liveNodes();
        map.submitToKey(
                        clientId,
                        cleanStart ? ConnectClaim.fresh(nodeId, liveAtClaim) : ConnectClaim.continuing(nodeId))
                .whenComplete((found, failure) -> {
                    if (failure != null) {
                        claim.epoch.complete(-1L);
                        finish(clientId, claim, result, null, failure);
                    } else {
                        claimed(clientId, cleanStart, claim, result, found, liveAtClaim);
                    }
                });
        return result;
    }

    private Set<String> liveNodes() {
        Set<String> live = new HashSet<>(otherNodes.get());
        live.add(nodeId);
        return live;
    }

    /**
     * @param liveAtClaim the live nodes when the claim was sent: a Clean Start claim left the id's
     *     record to the node it was claimed from if that node was among them
     */
    private void claimed(
            String clientId,
            boolean cleanStart,
            LocalClaims.Claim claim,
            CompletableFuture<Optional<SessionSnapshot>> result,
            ConnectClaim.Result found,
            Set<String> liveAtClaim) {
        ClaimProcessor.Owner previous = found.previous();
        claim.epoch.complete(previous == null ? 1L : previous.epoch() + 1);
        // A claim sent just before its holder was noticed lost waited for the partition to move and
        // left the record to a node that will not hand the session over now (nor be asked, once its
        // channel is gone): the record is ended all the same.
        boolean keeperLostSince = previous != null
                && liveAtClaim.contains(previous.node())
                && !liveNodes().contains(previous.node());
        if (cleanStart && (found.record() != null || keeperLostSince)) {
            // The old session, which no live node will hand over (a lost node's, mostly): it ends
            // before the new one starts (a second call).
            endLostSession(clientId, previous == null ? null : previous.node()).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    finish(clientId, claim, result, null, failure);
                } else {
                    settle(clientId, cleanStart, claim, result, found);
                }
            });
            return;
        }
        settle(clientId, cleanStart, claim, result, found);
    }

    /** The id is this node's: takes the session from where it is, if anywhere. */
    private void settle(
            String clientId,
            boolean cleanStart,
            LocalClaims.Claim claim,
            CompletableFuture<Optional<SessionSnapshot>> result,
            ConnectClaim.Result found) {
        ClaimProcessor.Owner previous = found.previous();
        if (previous != null && previous.node().equals(nodeId)) {
            // An earlier claim here (a connect, or a stopping node's session taken over) may still be
            // bringing the session: this one goes on once it has.
            claims.after(clientId, previous.epoch()).thenRun(() -> {
                if (node.clientIds().contains(clientId)) {
                    finish(clientId, claim, result, Optional.empty(), null);
                } else {
                    // That claim took the id but got no session (its holder did not answer): the
                    // session continues from its record.
                    fromCluster(clientId, cleanStart, true, nodeId)
                            .whenComplete((snapshot, error) -> finish(clientId, claim, result, snapshot, error));
                }
            });
            return;
        }
        Channel channel = previous == null ? null : channels.get(previous.node());
        if (channel == null) {
            // Nobody holds the session now: a session of a lost node continues from its record, read
            // with the claim (a client starting afresh has ended it above).
            Optional<SessionSnapshot> recorded =
                    cleanStart ? Optional.empty() : fromRecord(clientId, found.record(), found.inboundQos2(), false);
            withQueue(recorded).whenComplete((snapshot, error) -> finish(clientId, claim, result, snapshot, error));
            return;
        }
        handOver(previous, channel, clientId, cleanStart)
                .whenComplete((snapshot, error) -> finish(clientId, claim, result, snapshot, error));
    }

    /**
     * Asks the node holding the session to release it to this one. If it does not answer in
     * time, the id is this node's all the same: the session continues from its record, and what
     * that node had queued follows if it answers later (see {@link #released}).
     */
    private CompletionStage<Optional<SessionSnapshot>> handOver(
            ClaimProcessor.Owner previous, Channel channel, String clientId, boolean cleanStart) {
        long requestId = ids.getAsLong();
        CompletableFuture<Optional<SessionSnapshot>> answer =
                new CompletableFuture<Optional<SessionSnapshot>>().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Request request = new Request(previous.node(), clientId, cleanStart, answer);
        requests.put(requestId, request);
        if (channels.get(previous.node()) != channel && requests.remove(requestId, request)) {
            // The node left between the look-up of its channel and the filing of the request, so
            // nodeLeft did not see it: asked of a dead node, it would wait the whole timeout.
            continueFromRecord(request);
        } else {
            channel.send(new ClusterMessage.Release(requestId, clientId, previous.epoch(), cleanStart), null, false);
        }
        return answer.handle((snapshot, error) -> {
                    requests.remove(requestId);
                    if (error == null) {
                        // The queue comes from that node; the cluster's copy of it is this node's to change now.
                        return snapshot.isEmpty()
                                ? CompletableFuture.completedFuture(snapshot)
                                : replicas.own(clientId).thenApply(ignored -> snapshot);
                    }
                    LOG.warn(
                            "Node {} did not hand over the session of {} ({}); continuing it from its record.",
                            previous.node(),
                            clientId,
                            error.toString());
                    return fromCluster(clientId, cleanStart, true, previous.node());
                })
                .thenCompose(stage -> stage);
    }

    /**
     * A node that stops asks this one to take one of its sessions over (see
     * {@link HazelcastClusterBus#handOverSessions}): the id is claimed only while that node still
     * holds it (its client may have reconnected elsewhere meanwhile), and the session released
     * to this node continues here offline, as a moved session does, relay and all.
     */
    void takeOver(String clientId, String from) {
        LocalClaims.Claim claim = claims.begin(clientId);
        owners.submitToKey(clientId, ClaimProcessor.onlyIfHeldBy(nodeId, from))
                .toCompletableFuture()
                .thenCompose(previousValue -> {
                    ClaimProcessor.Owner previous =
                            previousValue == null ? null : ClaimProcessor.Owner.parse(previousValue);
                    Channel channel = channels.get(from);
                    if (previous == null || !previous.node().equals(from) || channel == null) {
                        claim.epoch.complete(-1L);
                        return CompletableFuture.completedFuture(null);
                    }
                    claim.epoch.complete(previous.epoch() + 1);
                    return handOver(previous, channel, clientId, false)
                            .thenCompose(moved ->
                                    moved.map(node::adoptSession).orElse(CompletableFuture.completedFuture(null)));
                })
                .whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.warn(
                                "Could not take the session of {} over from stopping node {}: {}",
                                clientId,
                                from,
                                failure.toString());
                    }
                    claims.end(clientId, claim);
                });
    }

    /**
     * After a wait (an earlier claim here, a holder that did not answer or left): the session
     * continues from the cluster's record or, for a client starting afresh, a lost node's
     * session of the id ends. One or two Hazelcast calls, on these rare paths only.
     */
    private CompletionStage<Optional<SessionSnapshot>> fromCluster(
            String clientId, boolean cleanStart, boolean evenIfLive, String keeper) {
        return cleanStart ? endLostSession(clientId, keeper) : recordedSession(clientId, evenIfLive);
    }

    /**
     * Ends the old session of a client starting afresh unless {@code keeper}, the live node the
     * id was claimed from, hands it over (see {@link LostSessionEnd}).
     */
    private CompletionStage<Optional<SessionSnapshot>> endLostSession(String clientId, String keeper) {
        Set<String> live = liveNodes();
        return sessionRecords
                .submitToKey(clientId, new LostSessionEnd(live, keeper))
                .thenApply(recordNode -> {
                    if (recordNode != null) {
                        inboundQos2.cleared(clientId);
                        if (!live.contains(recordNode)) {
                            // What the adopter relays for that session does not reach the new one.
                            lostNodes.endedLostSession(clientId, recordNode);
                            replicas.endedOnLostNode(clientId, recordNode);
                        }
                    }
                    return Optional.<SessionSnapshot>empty();
                });
    }

    /**
     * The cluster's record of the client's persistent session, if the node it names is gone (or,
     * with {@code evenIfLive}, did not hand it over), read now.
     */
    private CompletionStage<Optional<SessionSnapshot>> recordedSession(String clientId, boolean evenIfLive) {
        return sessionRecords
                .getAsync(clientId)
                .thenCombine(
                        inboundQos2.textOf(clientId),
                        (text, inbound) -> fromRecord(clientId, text, inbound, evenIfLive))
                .thenCompose(this::withQueue);
    }

    /**
     * A session continued from its record gets the cluster's copy of its queue (the messages its
     * node acknowledged, with their packet ids and QoS 2 state), which is this node's from now on.
     * A second Hazelcast call, on this rare path only (its node was lost or did not answer).
     */
    private CompletionStage<Optional<SessionSnapshot>> withQueue(Optional<SessionSnapshot> recorded) {
        if (recorded.isEmpty() || !replicas.enabled()) {
            return CompletableFuture.completedFuture(recorded);
        }
        SessionSnapshot session = recorded.get();
        return replicas.take(session.clientId())
                .thenApply(queue -> {
                    node.deliveredBefore(session.clientId(), queue);
                    return queue;
                })
                .thenApply(queue -> Optional.of(new SessionSnapshot(
                        session.clientId(),
                        session.subscriptions(),
                        queue,
                        session.inboundQos2(),
                        session.packetIdsFrom(),
                        session.expiry())));
    }

    /**
     * The session a record describes, if the node it names is gone (or, with {@code evenIfLive},
     * did not hand it over): subscriptions, packet-id lease and the QoS 2 packet ids its client
     * sent that await PUBREL (its queued messages: {@link #withQueue}).
     */
    private Optional<SessionSnapshot> fromRecord(
            String clientId, String recordText, String inboundText, boolean evenIfLive) {
        if (recordText == null) {
            return Optional.empty();
        }
        SessionRecords.Value record = SessionRecords.Value.parse(recordText);
        boolean live = channels.containsKey(record.node());
        if (record.node().equals(nodeId) || (live && !evenIfLive)) {
            return Optional.empty();
        }
        LOG.info(
                "Continuing the session of {} from {} node {} ({} subscription(s)).",
                clientId,
                live ? "unresponsive" : "lost",
                record.node(),
                record.subscriptions().size());
        if (!live) {
            lostNodes.continuesLostSession(clientId, record.node(), false);
        }
        return Optional.of(new SessionSnapshot(
                clientId,
                record.subscriptions(),
                List.of(),
                InboundQos2Records.parse(inboundText),
                record.leasedTo(),
                record.expiry()));
    }

    /**
     * Completes the claim. The session registry's callbacks run inside {@code complete}, so
     * once it returns the registry has taken the session up (or queued that on the session's
     * executor); only then may a release asked by a later claim go on.
     */
    private void finish(
            String clientId,
            LocalClaims.Claim claim,
            CompletableFuture<Optional<SessionSnapshot>> result,
            Optional<SessionSnapshot> snapshot,
            Throwable failure) {
        if (failure != null) {
            result.completeExceptionally(failure);
        } else {
            result.complete(snapshot);
        }
        claims.end(clientId, claim);
    }

    /**
     * Another node claimed a client id this node owned: hands the session over once claims here
     * are done and a session that arrived here has all that was relayed to it. What still
     * reaches the session here afterwards is relayed to that node ({@link SessionMoves}).
     */
    void release(Channel back, ClusterMessage.Release request) {
        String clientId = request.clientId();
        MoveRelay relay = new MoveRelay(clientId, back);
        claims.after(clientId, request.epoch())
                .thenCompose(ignored -> moves.arrived(clientId))
                .thenCompose(ignored -> {
                    // Counted as moving from the moment the session may relay (a stopping node waits for it).
                    moves.releasing(clientId, relay);
                    return node.releaseSession(clientId, relay, request.cleanStart());
                })
                .whenComplete((snapshot, failure) -> {
                    if (failure != null) {
                        LOG.error(
                                "Could not release the session of {} to node {}: {}",
                                clientId,
                                back.target(),
                                failure.toString());
                    }
                    SessionSnapshot moved = failure == null ? snapshot.orElse(null) : null;
                    // The answer carries the session's state; its queue follows in parts.
                    QueueStream queue = moved == null ? null : queues.released(moved, back);
                    LOG.debug(
                            "Released the session of {} to node {} ({}).",
                            clientId,
                            back.target(),
                            moved == null
                                    ? "none: no session"
                                    : QueueStream.inFlight(moved).size() + " message(s) in flight with it, "
                                            + QueueStream.queued(moved).size() + " queued to follow");
                    moves.released(clientId, relay, moved != null);
                    relay.openAfter(
                            new ClusterMessage.Released(
                                    request.requestId(),
                                    moved == null ? null : QueueStream.state(moved),
                                    moved == null ? null : lostNodes.movedOn(clientId, back.target()),
                                    moved == null ? Set.of() : lostNodes.takeInDoubt(clientId)),
                            queue);
                });
    }

    /** The answer to a hand-over this node asked for. */
    void released(ClusterMessage.Released answer) {
        Request request = requests.remove(answer.requestId());
        SessionSnapshot moved = answer.session();
        LOG.debug(
                "Hand-over answer for {}: {} (asked: {}).",
                moved == null ? "no session" : moved.clientId(),
                moved == null ? "nothing" : moved.messages().size() + " message(s)",
                request != null);
        if (request == null) {
            if (moved != null && !moved.messages().isEmpty() && replicas.enabled()) {
                // Too late: the session continued here from its record, with the cluster's copy of its queue.
                LOG.info(
                        "Node released the session of {} late; its {} message(s) came with the cluster's copy.",
                        moved.clientId(),
                        moved.messages().size());
            } else if (moved != null && !moved.messages().isEmpty()) {
                // Too late: the session continued here from its record. What that node had is queued here.
                LOG.info(
                        "Node released the session of {} late; queueing its {} message(s) here.",
                        moved.clientId(),
                        moved.messages().size());
                node.takeMessages(moved.clientId(), moved.messages());
            }
            return;
        }
        if (moved != null) {
            if (answer.lostNode() != null) {
                lostNodes.continuesLostSession(moved.clientId(), answer.lostNode(), false);
            }
            lostNodes.receivedInDoubt(moved.clientId(), answer.inDoubt());
            // The node that had it relays what still reaches the session there.
            moves.arriving(moved.clientId(), request.target());
        }
        request.result().complete(Optional.ofNullable(moved));
    }

    /** The node left: hand-overs asked of it continue from the cluster's records. */
    void nodeLeft(String lostNode) {
        requests.entrySet().removeIf(entry -> {
            if (!entry.getValue().target().equals(lostNode)) {
                return false;
            }
            continueFromRecord(entry.getValue());
            return true;
        });
    }

    /**
     * The node asked for the session is gone: the session continues from the cluster's record
     * of it, as for a claim made after the node was noticed gone.
     */
    private void continueFromRecord(Request request) {
        fromCluster(request.clientId(), request.cleanStart(), false, null).whenComplete((snapshot, error) -> {
            if (error != null) {
                request.result().completeExceptionally(error);
            } else {
                request.result().complete(snapshot);
            }
        });
    }
}
