package io.starling.cluster.hazelcast;

import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.starling.concurrent.Stages;
import io.starling.spi.ClusterNode;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a lost node's messages and sessions, so that nothing acknowledged for its
 * clients is lost (docs/CLUSTER.md, Failures).
 *
 * <ul>
 * <li>Every node keeps a lost node's routes, pointed at the adopter (the oldest member), until
 *     the adopter says all the lost node's sessions are placed ({@link ClusterMessage.Adopted}); forwards
 *     queued or unacknowledged for the lost node, and new messages matching its routes, go to
 *     the adopter.</li>
 * <li>The adopter ({@link #takeOver}) continues the lost node's persistent sessions here or
 *     learns where their clients continued them, and passes each held message to the matching
 *     sessions wherever they are ({@link LostNodeRelay}).</li>
 * <li>A node continuing such a session tells the adopter at once, and again once its routes
 *     are known everywhere; until the relaying ends ({@link ClusterMessage.Settled}) the session gets
 *     one copy of each message ({@code ClusterNode.watchForDuplicates}).</li>
 * <li>Forwards the lost node may have stored before dying are kept out of what it hands over
 *     when it returns ({@link InDoubtMessages}).</li>
 * </ul>
 */
final class LostNodes {

    private static final Logger LOG = LoggerFactory.getLogger(LostNodes.class);

    /** A node left: where its forwards go now, and the lost nodes this node takes over. */
    record Loss(String relayTo, List<String> toTakeOver) {}

    private final String nodeId;
    private final Map<String, Channel> channels;
    private final Supplier<Set<String>> otherNodes;
    private final LocalClaims claims;
    private final RemoteRoutes routes;
    private final ScheduledExecutorService timer;
    private final long forgetAfterMillis;
    private final LostNodeRelay relay;
    private final InboundQos2Records inboundQos2;
    /** The copies of the lost node's queues, taken with its sessions. */
    private final QueueReplicas replicas;

    private final InDoubtMessages inDoubt = new InDoubtMessages();
    /** Lost nodes whose routes are still kept, and the node that relays what is routed to them. */
    private final Map<String, String> adopters = new ConcurrentHashMap<>();
    /** Lost nodes whose adopter said "adopted" before this node noticed them gone, and that adopter. */
    private final Map<String, String> adoptedEarly = new ConcurrentHashMap<>();
    /** Sessions here that continue a lost node's, by client id, while its messages are relayed. */
    private final Map<String, String> continuedFrom = new ConcurrentHashMap<>();
    /**
     * Client ids whose lost node's session a Clean Start connect here ended, by client id: what
     * is relayed for that session is not the new session's (until the relaying is over).
     */
    private final Map<String, String> endedHere = new ConcurrentHashMap<>();

    private volatile ClusterNode node;
    private volatile IMap<String, String> owners;
    private volatile IMap<String, String> sessionRecords;

    /**
     * @param channels    the bus's channels to the other nodes (read only here)
     * @param otherNodes the node ids of the other members
     */
    LostNodes(
            String nodeId,
            Map<String, Channel> channels,
            Supplier<Set<String>> otherNodes,
            LocalClaims claims,
            RemoteRoutes routes,
            HazelcastSettings settings,
            ScheduledExecutorService timer,
            InboundQos2Records inboundQos2,
            QueueReplicas replicas) {
        this.nodeId = nodeId;
        this.inboundQos2 = inboundQos2;
        this.replicas = replicas;
        this.channels = channels;
        this.otherNodes = otherNodes;
        this.claims = claims;
        this.routes = routes;
        this.timer = timer;
        this.forgetAfterMillis = settings.requestTimeout().toMillis() * 10;
        this.relay = new LostNodeRelay(nodeId, this::deliverRelayed, settings.requestTimeout());
    }

    void start(ClusterNode clusterNode, IMap<String, String> ownerMap, IMap<String, String> records) {
        this.node = clusterNode;
        this.owners = ownerMap;
        this.sessionRecords = records;
    }

    /**
     * A node left; call before its channel is dropped, so that a forward never finds neither.
     * Lost nodes the left node was relaying for are taken over by the oldest member now.
     */
    Loss nodeLost(String lostNode, String oldest) {
        relay.lost(lostNode);
        String earlyAdopter = adoptedEarly.remove(lostNode);
        List<String> toTakeOver = new ArrayList<>();
        if (earlyAdopter == null) {
            adopters.put(lostNode, oldest);
            toTakeOver.add(lostNode);
        }
        adopters.replaceAll((lost, by) -> {
            if (!by.equals(lostNode)) {
                return by;
            }
            toTakeOver.add(lost);
            return oldest;
        });
        return new Loss(earlyAdopter != null ? earlyAdopter : oldest, oldest.equals(nodeId) ? toTakeOver : List.of());
    }

    /** The node relaying for a lost node whose routes are kept, or null. */
    String adopterOf(String lostNode) {
        return adopters.get(lostNode);
    }

    /**
     * An item that was queued or sent to a node that left: a forward goes to the node relaying
     * for it. One sent and not acknowledged is in doubt: the lost node may have stored it before
     * dying, and would hand it over when it returns.
     */
    void redirect(String lostNode, String adopter, Channel.Outgoing outgoing, boolean sent) {
        if (outgoing.message() instanceof ClusterMessage.Forward forward) {
            forwardLost(lostNode, adopter, forward.message(), outgoing.done(), sent);
        } else if (outgoing.message() instanceof ClusterMessage.SharedForward) {
            // SharedForwards.nodeLost hands it back to its group, which places it again.
        } else {
            Channel.gone(outgoing, lostNode);
        }
    }

    /** Sends a message routed to a lost node to the node relaying for it (or relays it here). */
    void forwardLost(
            String lostNode,
            String adopter,
            StoredMessage message,
            CompletableFuture<Void> done,
            boolean inDoubtThere) {
        if (adopter.equals(nodeId)) {
            CompletionStage<Void> relayed = relay.relay(lostNode, message, inDoubtThere);
            if (done != null) {
                relayed.whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        done.completeExceptionally(failure);
                    } else {
                        done.complete(null);
                    }
                });
            }
            return;
        }
        Channel channel = channels.get(adopter);
        ClusterMessage forward = new ClusterMessage.ForwardLost(lostNode, message, inDoubtThere);
        if (channel != null) {
            channel.send(forward, done, message.qos() == 2);
        } else if (done != null) {
            Channel.gone(new Channel.Outgoing(forward, done, message.qos() == 2), adopter);
        }
    }

    /** A {@link ClusterMessage.ForwardLost} received: completes when the lost node's sessions are placed. */
    CompletableFuture<Void> whenPlaced(String lostNode) {
        return relay.whenPlaced(lostNode);
    }

    /** A {@link ClusterMessage.ForwardLost} received and its turn come: passes it on. */
    CompletionStage<Void> relay(String lostNode, StoredMessage message, boolean inDoubtThere) {
        return relay.relay(lostNode, message, inDoubtThere);
    }

    /** Where this node relays a lost node's message to some of its sessions. */
    private CompletionStage<Void> deliverRelayed(
            String holder, Set<String> clientIds, StoredMessage message, boolean inDoubtThere) {
        if (holder.equals(nodeId)) {
            return deliverHere(clientIds, message, inDoubtThere);
        }
        Channel channel = channels.get(holder);
        if (channel == null) {
            // That node left as well; the sessions are taken over from it.
            return Stages.DONE;
        }
        CompletableFuture<Void> ack = message.qos() == 0 ? null : new CompletableFuture<>();
        channel.send(new ClusterMessage.DeliverTo(clientIds, message, inDoubtThere), ack, true);
        return ack == null ? Stages.DONE : ack;
    }

    /**
     * A relayed message for sessions of this node, once claims of theirs in progress here are
     * done; not for those a Clean Start ended.
     */
    CompletionStage<Void> deliverHere(Set<String> clientIds, StoredMessage message, boolean inDoubtThere) {
        if (inDoubtThere) {
            inDoubt.add(clientIds, message);
        }
        CompletableFuture<?>[] claimed = clientIds.stream()
                .map(clientId -> claims.after(clientId, Long.MAX_VALUE))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(claimed).thenCompose(ignored -> node.deliverTo(notEnded(clientIds), message));
    }

    private Set<String> notEnded(Set<String> clientIds) {
        if (endedHere.isEmpty()) {
            return clientIds;
        }
        Set<String> notEnded = new HashSet<>(clientIds);
        notEnded.removeAll(endedHere.keySet());
        return notEnded;
    }

    /**
     * Takes a lost node's sessions over: places each (here, or where its client reconnected),
     * waits until every placed session is reachable, then tells the nodes that kept its routes
     * to drop them; once all did, its messages are no longer relayed (nodes stop watching the
     * placed sessions for duplicates).
     *
     * @param keeping the channels to the nodes that keep the lost node's routes: members joining
     *     later never had them (and a side merged back after a split may have the node alive)
     */
    void takeOver(String lostNode, List<Channel> keeping) {
        Runnable forget = relay.forgetter(lostNode);
        adoptSessionsOf(lostNode, keeping)
                .thenCompose(ignored -> relay.allConfirmed(lostNode))
                .thenCompose(ignored -> Channel.sendToAll(keeping, new ClusterMessage.Adopted(lostNode)))
                .whenComplete((ignored, failure) -> {
                    if (otherNodes.get().contains(lostNode)) {
                        // This node was the one cut off, and has merged back meanwhile: the node's
                        // routes here are the ones its new channel brought, not to be dropped.
                        adopters.remove(lostNode);
                        settled(lostNode);
                        LOG.info("Node {}, counted lost, is back in the cluster: its routes stay.", lostNode);
                        return;
                    }
                    if (failure != null) {
                        LOG.warn(
                                "Not every node confirmed dropping the routes of lost node {}: {}",
                                lostNode,
                                failure.toString());
                    }
                    routes.removeNode(lostNode);
                    adopters.remove(lostNode);
                    Channel.sendToAll(keeping, new ClusterMessage.Settled(lostNode));
                    settled(lostNode);
                    // Forwards to the lost node still unacknowledged on a node that noticed it late come here.
                    timer.schedule(forget, forgetAfterMillis, TimeUnit.MILLISECONDS);
                    LOG.info("Took over lost node {}: its routes are dropped everywhere.", lostNode);
                });
    }

    /**
     * Continues the lost node's persistent sessions on this node, offline, from their records, so
     * that messages for their clients are queued from now on instead of reaching nobody until the
     * clients reconnect. Each id is claimed like a connect (a release asked meanwhile waits for
     * it), unless a live node holds it already: that client continued its session there. Tells
     * the relay where each session is; completes when all are placed (failed ones are left out).
     */
    private CompletableFuture<Void> adoptSessionsOf(String lostNode, List<Channel> keeping) {
        Map<String, Map<String, Integer>> subscriptions = new ConcurrentHashMap<>();
        Map<String, String> holders = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> adoptions = new ArrayList<>();
        RuntimeException unreadable = null;
        try {
            Set<String> live = new HashSet<>(otherNodes.get());
            live.add(nodeId);
            for (Map.Entry<String, String> entry : sessionRecords.entrySet(Predicates.like("this", lostNode + "%"))) {
                SessionRecords.Value record = SessionRecords.Value.parse(entry.getValue());
                if (record.node().equals(lostNode)) {
                    String clientId = entry.getKey();
                    subscriptions.put(clientId, record.subscriptions());
                    adoptions.add(adopt(clientId, record, live, lostNode)
                            .thenAccept(holder -> holders.put(clientId, holder)));
                }
            }
        } catch (RuntimeException e) {
            unreadable = e;
        }
        if (unreadable != null) {
            // Below min-cluster-size, say: where its sessions are is unknown, so what is routed to
            // them is not acknowledged (relaying it to nobody would acknowledge a message nobody has).
            LOG.warn("Could not take over the sessions of lost node {}: {}", lostNode, unreadable.toString());
            relay.notPlaced(lostNode, unreadable);
            return CompletableFuture.completedFuture(null);
        }
        // A session another node continued before the records were read here no longer names the
        // lost node; that node said so before rewriting the record, so once every node answered a
        // sync sent now, all such notices have arrived.
        CompletableFuture<Void> adopted = CompletableFuture.allOf(adoptions.toArray(CompletableFuture[]::new));
        return adopted.handle((ignored, failure) -> failure)
                .thenCompose(failure ->
                        Channel.sendToAll(keeping, new ClusterMessage.Sync()).handle((ignored, syncFailure) -> failure))
                .thenApply(failure -> {
                    long here = holders.values().stream().filter(nodeId::equals).count();
                    int placed = relay.placed(lostNode, subscriptions, holders);
                    LOG.info(
                            "Took over {} persistent session(s) of lost node {} ({} continued elsewhere){}.",
                            here,
                            lostNode,
                            placed - here,
                            failure == null ? "" : "; some failed: " + failure);
                    return null;
                });
    }

    /**
     * Claims the id unless a live node holds it and, if claimed, continues its session here
     * offline. Completes with the node that holds the session now.
     */
    private CompletableFuture<String> adopt(
            String clientId, SessionRecords.Value record, Set<String> live, String lostNode) {
        LocalClaims.Claim claim = claims.begin(clientId);
        CompletableFuture<String> adopted = owners.submitToKey(clientId, ClaimProcessor.unlessHeldBy(nodeId, live))
                .toCompletableFuture()
                .thenCompose(previousValue -> {
                    ClaimProcessor.Owner previous =
                            previousValue == null ? null : ClaimProcessor.Owner.parse(previousValue);
                    if (previous != null && live.contains(previous.node())) {
                        claim.epoch.complete(-1L);
                        return CompletableFuture.completedFuture(previous.node());
                    }
                    claim.epoch.complete(previous == null ? 1L : previous.epoch() + 1);
                    continuesLostSession(clientId, lostNode, true);
                    return inboundQos2
                            .idsOf(clientId)
                            .thenCombine(replicas.take(clientId), (inbound, queue) -> {
                                node.deliveredBefore(clientId, queue);
                                return new SessionSnapshot(
                                        clientId,
                                        record.subscriptions(),
                                        queue,
                                        inbound,
                                        record.leasedTo(),
                                        record.expiry());
                            })
                            .thenCompose(node::adoptSession)
                            .thenApply(ignored -> nodeId);
                });
        return adopted.whenComplete((ignored, failure) -> claims.end(clientId, claim));
    }

    /** The adopter of a lost node said all its sessions are placed: its routes are no longer needed. */
    void adopted(String lostNode, String adopter) {
        routes.removeNode(lostNode);
        if (adopters.remove(lostNode) == null && otherNodes.get().contains(lostNode)) {
            adoptedEarly.put(lostNode, adopter);
        }
    }

    /** The lost node's messages are no longer relayed: sessions continuing its sessions here are normal now. */
    void settled(String lostNode) {
        List<String> settled = new ArrayList<>();
        continuedFrom.entrySet().removeIf(entry -> {
            if (!entry.getValue().equals(lostNode)) {
                return false;
            }
            settled.add(entry.getKey());
            return true;
        });
        node.stopWatchingForDuplicates(settled);
        // Forwards a node noticed late may still be relayed until the adopter forgets the lost node.
        timer.schedule(() -> endedHere.values().removeIf(lostNode::equals), forgetAfterMillis, TimeUnit.MILLISECONDS);
    }

    /** A node said it continues these sessions of the lost node (see {@link ClusterMessage.Placed}). */
    void placedOn(String lostNode, Set<String> clientIds, String holder, boolean reachable) {
        relay.confirmed(lostNode, clientIds, holder, reachable);
    }

    /**
     * The session's record was written here: if it continues a lost node's session, it is
     * reachable here now (the record is written after the routes are known everywhere); tells
     * the node relaying for the lost node.
     */
    void recordWritten(String clientId) {
        String lostNode = continuedFrom.get(clientId);
        if (lostNode != null) {
            tellAdopter(lostNode, clientId, true);
        }
    }

    private void tellAdopter(String lostNode, String clientId, boolean reachable) {
        String adopter = adopters.get(lostNode);
        if (adopter == null) {
            return;
        }
        if (adopter.equals(nodeId)) {
            relay.confirmed(lostNode, Set.of(clientId), nodeId, reachable);
            return;
        }
        Channel channel = channels.get(adopter);
        if (channel != null) {
            channel.send(new ClusterMessage.Placed(lostNode, Set.of(clientId), reachable), null, false);
        }
    }

    /**
     * The session continues here from a lost node's: it may get relayed copies of routed
     * messages. Unless this node placed it itself, the node relaying for the lost node is told
     * at once, before the session's record names this node (see {@link #adoptSessionsOf}).
     */
    void continuesLostSession(String clientId, String lostNode, boolean placedHere) {
        node.watchForDuplicates(clientId);
        continuedFrom.put(clientId, lostNode);
        if (!placedHere) {
            tellAdopter(lostNode, clientId, false);
        }
    }

    /**
     * A client connected here with Clean Start and its claim ended the session a lost node had
     * for it (its record is gone): nothing relayed for that session is delivered here. Its will
     * is the adopter's to publish, as for every client of the lost node.
     */
    void endedLostSession(String clientId, String lostNode) {
        LOG.info("Ended the session of {} from lost node {}: its client started a new one.", clientId, lostNode);
        if (adopters.containsKey(lostNode)) {
            // Else its messages are no longer relayed (or this node never kept its routes): nothing to hold back.
            endedHere.put(clientId, lostNode);
        }
    }

    /**
     * A session was released to another node: if it continued a lost node's session whose
     * messages are still relayed, the relay follows it and the new node is told (it watches
     * for duplicates).
     *
     * @return that lost node, or null
     */
    String movedOn(String clientId, String newHolder) {
        String lostNode = continuedFrom.remove(clientId);
        if (lostNode == null) {
            return null;
        }
        node.stopWatchingForDuplicates(List.of(clientId));
        relay.moved(clientId, newHolder);
        return adopters.containsKey(lostNode) ? lostNode : null;
    }

    /** The session's in-doubt keys, to go with it to another node. */
    Set<String> takeInDoubt(String clientId) {
        return inDoubt.take(clientId);
    }

    /** In-doubt keys that came with a session from another node. */
    void receivedInDoubt(String clientId, Set<String> keys) {
        inDoubt.received(clientId, keys);
    }

    /** What a returning node hands over for a session, without the messages relayed to it already. */
    List<QueuedMessage> notRelayed(String clientId, List<QueuedMessage> handedOver) {
        return inDoubt.notRelayed(clientId, handedOver);
    }
}
