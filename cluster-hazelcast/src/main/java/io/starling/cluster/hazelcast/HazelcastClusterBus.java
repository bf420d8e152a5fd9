package io.starling.cluster.hazelcast;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.starling.concurrent.DaemonThreads;
import io.starling.concurrent.Stages;
import io.starling.spi.ClusterBus;
import io.starling.spi.ClusterNode;
import io.starling.spi.ClusterStatistics;
import io.starling.spi.ClusterUnavailableException;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.NodeAnswer;
import io.starling.spi.NodeQuery;
import io.starling.spi.SessionExpiry;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.SharedForwarding;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster bus on an embedded Hazelcast member ({@link HazelcastSettings#hazelcastConfig}).
 *
 * <ul>
 * <li>Each node has an inbox, a Hazelcast topic named after its node id ({@link Inbox});
 *     everything nodes tell each other ({@link ClusterMessage}) travels as batched frames
 *     through one ordered {@link Channel} per pair of nodes, acknowledged per batch
 *     ({@link Acknowledgements}). Hazelcast keeps the order of one member's messages to a
 *     topic, so a node sees another node's messages in the order they were sent.</li>
 * <li>Routes: every node tells every other node which filters it has subscribers for (one
 *     entry per filter and node), and each keeps them in a {@link RemoteRoutes} trie. A
 *     publish goes only to the nodes with a matching filter. {@code filterAdded} completes when
 *     every other node acknowledged the route, so SUBACK follows it.</li>
 * <li>Client ids are unique across the cluster ({@link ClientIdOwnership}); persistent
 *     sessions are mirrored into the cluster ({@link SessionRecordMirror}); sessions this node
 *     restored or kept through a split are claimed again ({@link ReturningSessions}).</li>
 * <li>A lost node ({@link Membership}): the oldest member purges its clients' client-id
 *     entries, publishes their wills ({@link Wills}); its messages and persistent sessions are
 *     taken over without losing what was acknowledged ({@link LostNodes}).</li>
 * <li>A joining node takes the retained messages over first ({@link RetainedTakeOver}).</li>
 * </ul>
 */
public final class HazelcastClusterBus implements ClusterBus {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastClusterBus.class);
    static final String OWNERS = "starling.client-owners";
    static final String INBOX_PREFIX = "starling.inbox.";

    private final HazelcastSettings settings;
    private final String nodeId = UUID.randomUUID().toString();
    private final RemoteRoutes routes = new RemoteRoutes();
    private final RemoteGroups groups = new RemoteGroups();
    private final Set<String> localFilters = new HashSet<>();
    /** This node's shared subscription groups and their members online; under the route lock. */
    private final Map<String, Integer> localGroups = new HashMap<>();
    /** Filters announced to the other nodes and not acknowledged by all yet (see {@link #filterKnown}). */
    private final Map<String, CompletionStage<Void>> announcing = new ConcurrentHashMap<>();

    private final Object routeLock = new Object();
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Membership membership;
    private final LocalClaims claims = new LocalClaims();
    private final ForwardOrder forwardOrder = new ForwardOrder();
    private final LostNodes lostNodes;
    private final SessionMoves moves;
    private final MovingQueues movingQueues;
    private final InboundQos2Records inboundQos2 = new InboundQos2Records();
    private final QueueReplicas replicas;
    private final ClientIdOwnership ownership;
    private final AtomicLong ids = new AtomicLong();
    private final ClusterCounters counters;
    private final Acknowledgements acknowledgements;
    private final RetainedTakeOver retainedTakeOver;
    private final SessionRecordMirror records;
    private final ReturningSessions returning;
    private final Wills wills;
    private final Inbox inbox;
    private final SharedForwards sharedForwards;
    private final ExecutorService sender =
            Executors.newSingleThreadExecutor(DaemonThreads.named("starling-cluster-send"));
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("starling-cluster-timer"));
    private final ExecutorService worker =
            Executors.newSingleThreadExecutor(DaemonThreads.named("starling-cluster-work"));
    private volatile HazelcastInstance hazelcast;
    private volatile IMap<String, String> owners;
    private final NodeQueries nodeQueries = new NodeQueries();
    private final ServingGate gate;
    private volatile ClusterNode node;
    private volatile boolean closed;

    HazelcastClusterBus(HazelcastSettings settings) {
        this.settings = settings;
        this.membership = new Membership(nodeId, new MemberEvents());
        this.gate = new ServingGate(settings.minClusterSize());
        this.counters = new ClusterCounters(membership::memberCount, this::pending, this::clusterSafe);
        this.acknowledgements = new Acknowledgements(ids::incrementAndGet, timer, settings.publishTimeout(), counters);
        this.wills = new Wills(nodeId, ids::incrementAndGet);
        this.retainedTakeOver = new RetainedTakeOver(
                this::channel, ids::incrementAndGet, settings.requestTimeout().multipliedBy(10));
        this.replicas = new QueueReplicas(nodeId, settings.publishTimeout(), settings.replicateQueues());
        this.lostNodes = new LostNodes(
                nodeId, channels, membership::otherNodes, claims, routes, settings, timer, inboundQos2, replicas);
        this.moves = new SessionMoves(channels, timer, settings.requestTimeout(), replicas);
        this.movingQueues = new MovingQueues(
                nodeId, channels, timer, settings.requestTimeout(), counters, settings.moveQueuePartBytes(), replicas);
        this.ownership = new ClientIdOwnership(
                nodeId,
                channels,
                claims,
                lostNodes,
                moves,
                inboundQos2,
                membership::otherNodes,
                ids::incrementAndGet,
                settings.requestTimeout(),
                movingQueues,
                replicas);
        this.records = new SessionRecordMirror(nodeId, settings.requestTimeout(), this::recordWritten);
        this.returning = new ReturningSessions(
                nodeId, channels, membership::otherNodes, records, replicas, settings.requestTimeout());
        this.sharedForwards = new SharedForwards(channels, timer);
        this.inbox = new Inbox(
                nodeId,
                this::channel,
                new Inbox.Handlers(
                        routes,
                        groups,
                        sharedForwards,
                        forwardOrder,
                        lostNodes,
                        moves,
                        ownership,
                        retainedTakeOver,
                        acknowledgements,
                        counters),
                this::sendAllRoutes,
                worker,
                () -> closed,
                membership::hasLeft);
    }

    /** This node's id in the cluster (a new one at every start). */
    @Override
    public String nodeId() {
        return nodeId;
    }

    @Override
    public void start(ClusterNode clusterNode) {
        this.node = clusterNode;
        retainedTakeOver.start(clusterNode);
        inbox.start(clusterNode);
        LOG.info(
                "Cluster node {} joining cluster '{}' as {}:{} (members {}).",
                nodeId,
                settings.clusterName(),
                settings.memberHost(),
                settings.memberPort(),
                settings.members());
        CallbackThreads.install();
        HazelcastInstance instance = Hazelcast.newHazelcastInstance(settings.hazelcastConfig(nodeId));
        this.hazelcast = instance;
        this.owners = instance.getMap(OWNERS);
        IMap<String, String> sessionRecords = instance.getMap(SessionRecords.MAP);
        records.start(sessionRecords);
        wills.start(instance.getMap(Wills.MAP));
        lostNodes.start(clusterNode, owners, sessionRecords);
        moves.start(clusterNode);
        inboundQos2.start(instance.getMap(InboundQos2Records.MAP));
        replicas.start(instance.getMap(QueueReplicas.MAP));
        ownership.start(clusterNode, owners, sessionRecords);
        movingQueues.start(clusterNode, owners);
        nodeQueries.start(instance, clusterNode, nodeId, settings.requestTimeout());
        returning.start(clusterNode, owners);
        instance.<byte[]>getTopic(INBOX_PREFIX + nodeId).addMessageListener(inbox);
        membership.start(instance);
        for (Channel channel : channels.values()) {
            channel.publishNow(new ClusterMessage.Hello());
        }
        retainedTakeOver.takeOver(membership.oldestOtherNode());
    }

    /** What this node does when the members change (see {@link Membership}). */
    private final class MemberEvents implements Membership.Events {

        @Override
        public void joined(String other) {
            channel(other);
            gate.membersChanged(membership.memberCount());
        }

        /**
         * A starting node greets everyone itself, but members that meet again after a network
         * split have both been running: without this their new channels would wait for each
         * other's hello forever.
         */
        @Override
        public void greet(String other) {
            Channel channel = channels.get(other);
            if (channel == null) {
                return;
            }
            try {
                channel.publishNow(new ClusterMessage.Hello());
            } catch (RuntimeException e) {
                LOG.warn("Could not greet cluster node {}: {}", other, e.toString());
            }
        }

        @Override
        public void left(String other, String address) {
            nodeLeft(other, address);
            int members = membership.memberCount();
            if (gate.membersChanged(members)) {
                LOG.warn(
                        "This node sees {} cluster member(s), fewer than min-cluster-size {}: it sends its {}"
                                + " client(s) to other nodes and refuses connections until it is back in the cluster.",
                        members,
                        settings.minClusterSize(),
                        node.sendClientsAway());
            }
        }

        @Override
        public void merging() {
            gate.merging();
        }

        /**
         * Settles the client ids with the other side and takes its retained messages; clients may
         * connect again once the sessions the other side continued are released here.
         */
        @Override
        public void merged() {
            worker.execute(() -> {
                returning.reclaimAfterMerge().whenComplete((ignored, failure) -> {
                    gate.settled(membership.memberCount());
                    LOG.info("Merged back into the cluster; serving clients {}.", gate.serves() ? "again" : "not yet");
                });
                retainedTakeOver.takeOver(membership.oldestOtherNode());
            });
        }
    }

    /** The channel to the node, created with the full set of this node's filters queued first. */
    private Channel channel(String other) {
        Channel existing = channels.get(other);
        if (existing != null) {
            return existing;
        }
        synchronized (routeLock) {
            return channels.computeIfAbsent(other, id -> {
                Channel channel = new Channel(
                        nodeId,
                        id,
                        hazelcast.getTopic(INBOX_PREFIX + id),
                        sender,
                        settings,
                        acknowledgements,
                        this::sent);
                sendAllRoutes(channel);
                return channel;
            });
        }
    }

    /**
     * Queues this node's whole route set on the channel; the other node replaces what it knew
     * of this node's routes with it. Under the route lock, so it is ordered with the single
     * route changes.
     */
    private void sendAllRoutes(Channel channel) {
        synchronized (routeLock) {
            channel.send(
                    new ClusterMessage.Routes(Set.copyOf(localFilters), Map.copyOf(localGroups)),
                    timed(new CompletableFuture<>()),
                    true);
        }
    }

    /**
     * A node left. Its routes stay, pointed at the node that takes its sessions over (the oldest
     * member, which may be this one), until that node says they are all placed: what matches
     * them meanwhile goes there, as do the forwards that were queued or unacknowledged for it.
     */
    private void nodeLeft(String other, String address) {
        // Its shared subscription members are gone with it (a persistent one rejoins where its session continues).
        groups.removeNode(other);
        String adopter = membership.oldestNode();
        LostNodes.Loss loss = lostNodes.nodeLost(other, adopter);
        String relayTo = loss.relayTo();
        Channel channel = channels.remove(other);
        if (channel != null) {
            channel.close().forEach(outgoing -> lostNodes.redirect(other, relayTo, outgoing, false));
        }
        forwardOrder.forget(other);
        acknowledgements.nodeLeft(other).forEach(outgoing -> lostNodes.redirect(other, relayTo, outgoing, true));
        sharedForwards.nodeLost(other);
        ownership.nodeLeft(other);
        moves.nodeLeft(other);
        retainedTakeOver.nodeLeft(other);
        LOG.info(
                "Cluster member {} ({}) left; its routes lead to node {} until that node has taken its sessions over."
                        + " Cluster now has {} member(s).",
                other,
                address,
                relayTo,
                membership.memberCount());
        if (adopter.equals(nodeId)) {
            List<Channel> keeping = List.copyOf(channels.values());
            worker.execute(() -> {
                purgeOwnerships(other);
                wills.publishWillsOf(other, this::publishWill);
                loss.toTakeOver().forEach(lost -> lostNodes.takeOver(lost, keeping));
            });
        }
    }

    private void purgeOwnerships(String lostNode) {
        try {
            owners.removeAll(Predicates.like("this", lostNode + "/%"));
        } catch (RuntimeException e) {
            LOG.warn("Could not drop the client ids owned by lost node {}: {}", lostNode, e.toString());
        }
    }

    /** A lost node's client's will, published here as a publish of this node's. */
    private void publishWill(StoredMessage will) {
        node.deliverForwarded(will.withRetain(false));
        forward(will.withRetain(false));
        if (will.retain()) {
            node.applyRetained(will);
            replicateRetained(will);
        }
    }

    // ---- sending

    private void sent(Wire.Frame frame) {
        for (ClusterMessage message : frame.messages()) {
            if (message instanceof ClusterMessage.Forward || message instanceof ClusterMessage.SharedForward) {
                counters.forwarded();
            }
        }
    }

    /** Messages queued for other nodes or sent and not acknowledged yet. */
    private long pending() {
        long pending = acknowledgements.pending();
        for (Channel channel : channels.values()) {
            pending += channel.queued();
        }
        return pending;
    }

    private <T> CompletableFuture<T> timed(CompletableFuture<T> future) {
        return future.orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends a message to every other node; completes when all acknowledged (or left). */
    private CompletionStage<Void> broadcast(ClusterMessage message) {
        return Channel.sendToAll(channels.values(), message);
    }

    private static boolean isLocalOnly(String topic) {
        return topic.startsWith("$SYS/") || topic.equals("$SYS");
    }

    // ---- the ClusterBus SPI

    @Override
    public CompletionStage<Void> filterAdded(String topicFilter) {
        synchronized (routeLock) {
            localFilters.add(topicFilter);
            CompletionStage<Void> known = broadcast(new ClusterMessage.RouteAdded(topicFilter));
            announcing.put(topicFilter, known);
            known.whenComplete((ignored, failure) -> announcing.remove(topicFilter, known));
            return known;
        }
    }

    @Override
    public CompletionStage<Void> filterKnown(String topicFilter) {
        return announcing.getOrDefault(topicFilter, Stages.DONE);
    }

    @Override
    public void filterRemoved(String topicFilter) {
        synchronized (routeLock) {
            localFilters.remove(topicFilter);
            for (Channel channel : channels.values()) {
                channel.send(new ClusterMessage.RouteRemoved(topicFilter), null, true);
            }
        }
    }

    @Override
    public boolean routesElsewhere(String topic) {
        return !isLocalOnly(topic) && !routes.match(topic).isEmpty();
    }

    @Override
    public CompletionStage<Void> forward(StoredMessage message) {
        List<CompletableFuture<Boolean>> answers = sendForward(message);
        return answers.isEmpty() ? Stages.DONE : CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletionStage<Boolean> forwardWithinQuota(StoredMessage message) {
        List<CompletableFuture<Boolean>> answers = sendForward(message);
        if (answers.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> answers.stream().allMatch(CompletableFuture::join));
    }

    /**
     * Queues the message for every node with a matching route.
     *
     * @return per node a QoS 1/2 forward went to, its answer once it stored the message: true
     *     when every subscriber there refused it ({@link ForwardRefused}); none for QoS 0
     */
    private List<CompletableFuture<Boolean>> sendForward(StoredMessage message) {
        if (isLocalOnly(message.topic())) {
            return List.of();
        }
        Set<String> targets = routes.match(message.topic());
        if (targets.isEmpty()) {
            return List.of();
        }
        ClusterMessage forward = new ClusterMessage.Forward(message);
        List<CompletableFuture<Boolean>> answers = new ArrayList<>(targets.size());
        for (String target : targets) {
            CompletableFuture<Void> ack = null;
            if (message.qos() > 0) {
                // A node that leaves before acknowledging: the forward goes to the node relaying for
                // it (see memberRemoved). Should that fail too, QoS 1 fails (the publisher resends, at
                // least once); QoS 2 counts as done, since a resend would deliver it twice to everyone else.
                ack = new CompletableFuture<>();
                answers.add(ack.thenApply(ignored -> false).exceptionallyCompose(failure -> {
                    if (ForwardRefused.is(failure)) {
                        return CompletableFuture.completedFuture(true);
                    }
                    counters.failed();
                    return CompletableFuture.failedFuture(failure);
                }));
            }
            Channel channel = channels.get(target);
            if (channel != null) {
                if (channel.offer(forward, ack, message.qos() == 2)) {
                    continue;
                }
                if (!channel.isClosed()) {
                    channel.send(forward, ack, message.qos() == 2);
                    continue;
                }
            }
            // The node was noticed lost (its channel may have closed just now).
            String adopter = lostNodes.adopterOf(target);
            if (adopter != null) {
                lostNodes.forwardLost(target, adopter, message, ack, false);
            } else if (ack != null) {
                Channel.gone(new Channel.Outgoing(forward, ack, message.qos() == 2), target);
            }
        }
        return answers;
    }

    @Override
    public void sharedGroupChanged(String group, int online) {
        synchronized (routeLock) {
            if (online < 0) {
                localGroups.remove(group);
            } else {
                localGroups.put(group, online);
            }
            for (Channel channel : channels.values()) {
                channel.send(new ClusterMessage.SharedGroup(group, online), null, true);
            }
        }
    }

    @Override
    public CompletionStage<Void> sharedGroupsKnown() {
        // Acknowledged by each node after everything this node sent it before.
        return broadcast(new ClusterMessage.Sync());
    }

    @Override
    public Set<String> sharedGroupsMatching(String topic) {
        return isLocalOnly(topic) ? Set.of() : groups.match(topic);
    }

    @Override
    public Map<String, Integer> sharedGroupNodes(String group) {
        return groups.nodes(group);
    }

    @Override
    public SharedForwarding forwardShared(String node, String group, String publisher, StoredMessage message) {
        return sharedForwards.send(node, group, publisher, message);
    }

    @Override
    public void sharedDone(String group, long messageId) {
        sharedForwards.doneHere(group, messageId);
    }

    @Override
    public CompletionStage<Void> replicateRetained(StoredMessage message) {
        if (isLocalOnly(message.topic())) {
            return Stages.DONE;
        }
        retainedTakeOver.changed(message.topic());
        return broadcast(new ClusterMessage.Retained(message));
    }

    @Override
    public CompletionStage<Optional<SessionSnapshot>> claimClientId(String clientId, boolean cleanStart) {
        if (!gate.serves()) {
            return CompletableFuture.failedFuture(new ClusterUnavailableException(gate.why()));
        }
        return ownership.claim(clientId, cleanStart);
    }

    @Override
    public CompletionStage<Boolean> sessionRestored(SessionSnapshot restored) {
        return returning.restored(restored);
    }

    @Override
    public CompletionStage<Void> sessionSaved(io.starling.spi.SessionRecord record) {
        return records.saved(record.clientId(), record.subscriptions(), record.expiry());
    }

    @Override
    public CompletionStage<Void> sessionExpirySaved(String clientId, SessionExpiry expiry) {
        return records.expiryChanged(clientId, expiry);
    }

    @Override
    public CompletionStage<Void> subscriptionSaved(String clientId, String topicFilter, int qos) {
        return records.subscribed(clientId, topicFilter, qos);
    }

    @Override
    public CompletionStage<Void> subscriptionRemoved(String clientId, String topicFilter) {
        return records.unsubscribed(clientId, topicFilter);
    }

    @Override
    public CompletionStage<Void> sessionDeleted(String clientId) {
        return records.deleted(clientId);
    }

    @Override
    public CompletionStage<Void> inboundQos2Received(InboundQos2Receipt receipt) {
        return inboundQos2
                .received(receipt.clientId(), receipt.packetId())
                .toCompletableFuture()
                .orTimeout(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void inboundQos2Released(String clientId, int packetId) {
        inboundQos2.released(clientId, packetId);
    }

    @Override
    public CompletionStage<Void> persistentSessionStarted(String clientId) {
        inboundQos2.cleared(clientId);
        return replicas.startedAfresh(clientId);
    }

    @Override
    public void persistentSessionEnded(String clientId) {
        // Refused once another node continued the session (it owns the copy then).
        replicas.deleted(clientId);
    }

    @Override
    public MessageQueueStore queueStore(MessageQueueStore local) {
        return replicas.enabled() ? new ReplicatedQueueStore(local, replicas) : local;
    }

    @Override
    public boolean leasesPacketIds() {
        return true;
    }

    @Override
    public CompletionStage<Void> leasePacketIds(String clientId, long upTo) {
        return records.leased(clientId, upTo);
    }

    /** Written after the session's routes are known everywhere: a session that moved here is reachable. */
    private void recordWritten(String clientId) {
        lostNodes.recordWritten(clientId);
        moves.recordWritten(clientId);
    }

    @Override
    public void willRegistered(String clientId, StoredMessage will) {
        if (!closed) {
            wills.registered(clientId, will);
        }
    }

    @Override
    public void willCleared(String clientId, StoredMessage will) {
        wills.cleared(clientId, will, !closed);
    }

    /**
     * Spreads this node's sessions over the other nodes: each is asked to take some over
     * ({@link ClusterMessage.TakeOver}), which it does as a session move (with the relay, so what reaches
     * the session here meanwhile follows it). Waits until no session is left here and every
     * relay ended, at most three request timeouts.
     */
    @Override
    public void handOverSessions() {
        List<Channel> others = List.copyOf(channels.values());
        if (others.isEmpty()) {
            return;
        }
        Duration limit = settings.requestTimeout().multipliedBy(3);
        long deadline = System.nanoTime() + limit.toNanos();
        // A CONNECT accepted just before the stop may still bring its session here after the
        // first look: it goes too (the fault run lost such a session with the stopping node).
        Set<String> asked = new HashSet<>();
        Set<String> here = node.clientIds();
        while (true) {
            for (String clientId : here) {
                if (asked.add(clientId)) {
                    others.get(asked.size() % others.size()).send(new ClusterMessage.TakeOver(clientId), null, false);
                }
            }
            if (here.isEmpty() && !claims.any() && !moves.relaying()) {
                if (!asked.isEmpty()) {
                    LOG.info("Handed {} session(s) over to the other nodes.", asked.size());
                }
                return;
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            here = node.clientIds();
        }
        LOG.warn(
                "{} of {} session(s) were not handed over within {} ms; they stay in this node's store.",
                here.size(),
                asked.size(),
                limit.toMillis());
    }

    @Override
    public CompletionStage<List<NodeAnswer>> askOtherNodes(NodeQuery query) {
        return nodeQueries.askOtherNodes(query);
    }

    @Override
    public ClusterStatistics statistics() {
        return counters;
    }

    /** Hazelcast's cluster-safe state: no partition of its maps waits for its backup (asks every member). */
    private boolean clusterSafe() {
        HazelcastInstance instance = hazelcast;
        try {
            return instance == null || instance.getPartitionService().isClusterSafe();
        } catch (RuntimeException e) {
            // Hazelcast is stopping (or cannot ask the members): not known to be safe.
            return false;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        records.close();
        replicas.close();
        membership.close();
        HazelcastInstance instance = hazelcast;
        if (instance != null) {
            try {
                instance.shutdown();
            } catch (RuntimeException e) {
                LOG.warn("Hazelcast shut down with an error: {}", e.toString());
            }
        }
        sender.shutdownNow();
        worker.shutdownNow();
        timer.shutdownNow();
    }
}
