package io.starling.cluster.hazelcast;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import com.hazelcast.topic.ITopic;
import com.hazelcast.topic.Message;
import io.starling.spi.ClusterBus;
import io.starling.spi.ClusterNode;
import io.starling.spi.ClusterStatistics;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.NodeAnswer;
import io.starling.spi.NodeQuery;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster bus on an embedded Hazelcast member.
 *
 * <ul>
 * <li>Each node has an inbox, a Hazelcast topic named after its node id; everything nodes
 *     tell each other (route changes, forwarded publishes, retained messages, session
 *     hand-over requests and acknowledgements) travels as batched frames through one ordered
 *     {@link Channel} per pair of nodes. Hazelcast keeps the order of one member's messages
 *     to a topic, so a node sees another node's items in the order they were sent.</li>
 * <li>Routes: every node tells every other node which filters it has subscribers for (one
 *     entry per filter and node), and each keeps them in a {@link RemoteRoutes} trie. A
 *     publish goes only to the nodes with a matching filter. {@code filterAdded} completes when
 *     every other node acknowledged the route, so SUBACK follows it.</li>
 * <li>Client ids are unique across the cluster ({@link ClientIdOwnership}).</li>
 * <li>A lost node's clients: the oldest member purges their client-id entries, publishes
 *     their wills ({@link Wills}); its messages and persistent sessions are taken over
 *     without losing what was acknowledged ({@link LostNodes}).</li>
 * <li>A joining node takes the retained messages over first ({@link RetainedTakeOver}).</li>
 * </ul>
 */
public final class HazelcastClusterBus implements ClusterBus {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastClusterBus.class);
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);
    static final String NODE_ATTRIBUTE = "starling.node";
    static final String OWNERS = "starling.client-owners";
    static final String INBOX_PREFIX = "starling.inbox.";

    private final HazelcastSettings settings;
    private final String nodeId = UUID.randomUUID().toString();
    private final RemoteRoutes routes = new RemoteRoutes();
    private final Set<String> localFilters = new HashSet<>();
    /** Filters announced to the other nodes and not acknowledged by all yet (see {@link #filterKnown}). */
    private final Map<String, CompletionStage<Void>> announcing = new ConcurrentHashMap<>();

    private final Object routeLock = new Object();
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private final Map<UUID, String> memberNodes = new ConcurrentHashMap<>();
    private final Map<Long, Channel.Batch> batches = new ConcurrentHashMap<>();
    private final LocalClaims claims = new LocalClaims();
    private final ForwardOrder forwardOrder = new ForwardOrder();
    private final LostNodes lostNodes;
    private final SessionMoves moves;
    private final InboundQos2Records inboundQos2 = new InboundQos2Records();
    private final ClientIdOwnership ownership;
    private final AtomicLong ids = new AtomicLong();
    private final ClusterCounters counters = new ClusterCounters(this::memberCount, this::pending);
    private final RetainedTakeOver retainedTakeOver;
    private final ExecutorService sender = Executors.newSingleThreadExecutor(daemon("starling-cluster-send"));
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(daemon("starling-cluster-timer"));
    private volatile HazelcastInstance hazelcast;
    private volatile IMap<String, String> owners;
    private volatile IMap<String, String> sessionRecords;
    private final Wills wills;
    private final NodeQueries nodeQueries = new NodeQueries();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(daemon("starling-cluster-work"));
    private volatile ClusterNode node;
    private volatile boolean closed;

    HazelcastClusterBus(HazelcastSettings settings) {
        this.settings = settings;
        this.wills = new Wills(nodeId, ids::incrementAndGet);
        this.retainedTakeOver = new RetainedTakeOver(
                this::channel, ids::incrementAndGet, settings.requestTimeout().multipliedBy(10));
        this.lostNodes = new LostNodes(nodeId, channels, memberNodes, claims, routes, settings, timer, inboundQos2);
        this.moves = new SessionMoves(channels, timer, settings.requestTimeout());
        this.ownership = new ClientIdOwnership(
                nodeId,
                channels,
                claims,
                lostNodes,
                moves,
                inboundQos2,
                ids::incrementAndGet,
                settings.requestTimeout());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** This node's id in the cluster (a new one at every start). */
    @Override
    public String nodeId() {
        return nodeId;
    }

    Config hazelcastConfig() {
        Config config = new Config();
        config.setClusterName(settings.clusterName());
        config.setInstanceName("starling-" + nodeId);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty(
                "hazelcast.heartbeat.interval.seconds",
                Long.toString(Math.max(1, settings.heartbeatInterval().toSeconds())));
        config.setProperty(
                "hazelcast.max.no.heartbeat.seconds",
                Long.toString(Math.max(2, settings.memberTimeout().toSeconds())));
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty(
                "hazelcast.max.wait.seconds.before.join",
                Long.toString(Math.max(1, settings.joinTimeout().toSeconds())));
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        config.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, nodeId);
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.memberPort()).setPortAutoIncrement(false);
        network.setPublicAddress(settings.memberHost() + ":" + settings.memberPort());
        network.getInterfaces().setEnabled(true).addInterface(settings.memberHost());
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(settings.members()).setConnectionTimeoutSeconds((int)
                Math.max(1, settings.joinTimeout().toSeconds()));
        return config;
    }

    @Override
    public void start(ClusterNode clusterNode) {
        this.node = clusterNode;
        retainedTakeOver.start(clusterNode);
        LOG.info(
                "Cluster node {} joining cluster '{}' as {}:{} (members {}).",
                nodeId,
                settings.clusterName(),
                settings.memberHost(),
                settings.memberPort(),
                settings.members());
        HazelcastInstance instance = Hazelcast.newHazelcastInstance(hazelcastConfig());
        this.hazelcast = instance;
        this.owners = instance.getMap(OWNERS);
        this.sessionRecords = instance.getMap(SessionRecords.MAP);
        wills.start(instance.getMap(Wills.MAP));
        lostNodes.start(clusterNode, owners, sessionRecords);
        moves.start(clusterNode);
        inboundQos2.start(instance.getMap(InboundQos2Records.MAP));
        ownership.start(clusterNode, owners, sessionRecords);
        nodeQueries.start(instance, clusterNode, nodeId, settings.requestTimeout());
        ITopic<byte[]> inbox = instance.getTopic(INBOX_PREFIX + nodeId);
        inbox.addMessageListener(this::onMessage);
        instance.getCluster().addMembershipListener(new InitialMembershipListener() {
            @Override
            public void init(InitialMembershipEvent event) {
                for (Member member : event.getMembers()) {
                    HazelcastClusterBus.this.memberAdded(member);
                }
                logMembers();
            }

            @Override
            public void memberAdded(MembershipEvent event) {
                HazelcastClusterBus.this.memberAdded(event.getMember());
                greet(event.getMember());
                logMembers();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                HazelcastClusterBus.this.memberRemoved(event.getMember());
            }
        });
        for (Channel channel : channels.values()) {
            channel.publishNow(Wire.Item.hello());
        }
        instance.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                // This side of a network split joined the other, larger side: settle the client ids
                // with it and take its retained messages.
                worker.execute(() -> {
                    reclaimClientIds();
                    retainedTakeOver.takeOver(oldestOtherNode());
                });
            }
        });
        retainedTakeOver.takeOver(oldestOtherNode());
    }

    /**
     * After a merge, this node's client-id entries may be missing (the other side removed them as
     * a lost node's, and Hazelcast merges the map data in later): claims them again for the
     * sessions here, so that a connect elsewhere displaces them. A session whose id a live node
     * of the other side holds was continued there during the split (its client connected there,
     * or that side took this node's sessions over): the copy here is dropped, its connection
     * closed, and what was queued here for it goes to that node.
     */
    private void reclaimClientIds() {
        Set<String> live = new HashSet<>(memberNodes.values());
        live.add(nodeId);
        Set<String> sessions = node.clientIds();
        for (String clientId : sessions) {
            owners.submitToKey(clientId, ClaimProcessor.unlessHeldBy(nodeId, live))
                    .whenComplete((previousValue, failure) -> {
                        if (failure != null) {
                            LOG.warn(
                                    "Could not claim client id {} again after the merge: {}",
                                    clientId,
                                    failure.toString());
                            return;
                        }
                        String holder = previousValue == null
                                ? null
                                : ClaimProcessor.Owner.parse(previousValue).node();
                        if (holder != null && !holder.equals(nodeId) && live.contains(holder)) {
                            LOG.info(
                                    "The session of {} continued on node {} during the split; dropping the copy here.",
                                    clientId,
                                    holder);
                            node.releaseSession(clientId, null)
                                    .thenAccept(released -> released.filter(session ->
                                                    !session.messages().isEmpty())
                                            .ifPresent(session -> handBack(holder, session)));
                        }
                    });
        }
        LOG.info("Claimed the ids of {} session(s) here again after the merge.", sessions.size());
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
        channel.send(Wire.Item.handBack(session), stored, false);
    }

    /** The node id of the oldest cluster member other than this one, or null if alone. */
    private String oldestOtherNode() {
        return oldestNode(member -> !member.localMember()).orElse(null);
    }

    /**
     * Says hello to a member that appeared after this node started. A starting node greets
     * everyone itself, but members that meet again after a network split have both been
     * running: without this their new channels would wait for each other's hello forever.
     */
    private void greet(Member member) {
        Channel channel = channels.get(String.valueOf(member.getAttribute(NODE_ATTRIBUTE)));
        if (channel == null) {
            return;
        }
        try {
            channel.publishNow(Wire.Item.hello());
        } catch (RuntimeException e) {
            LOG.warn("Could not greet cluster node {}: {}", channel.target(), e.toString());
        }
    }

    private void logMembers() {
        LOG.info("Cluster now has {} member(s).", memberCount());
    }

    private void memberAdded(Member member) {
        if (member.localMember()) {
            return;
        }
        String other = member.getAttribute(NODE_ATTRIBUTE);
        if (other == null) {
            LOG.warn("Cluster member {} is not a Starling node (no {} attribute); ignored.", member, NODE_ATTRIBUTE);
            return;
        }
        memberNodes.put(member.getUuid(), other);
        channel(other);
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
                        this::register,
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
            channel.send(Wire.Item.routes(Set.copyOf(localFilters)), timed(new CompletableFuture<>()), true);
        }
    }

    /**
     * A node left. Its routes stay, pointed at the node that takes its sessions over (the oldest
     * member, which may be this one), until that node says they are all placed: what matches
     * them meanwhile goes there, as do the forwards that were queued or unacknowledged for it.
     */
    private void memberRemoved(Member member) {
        String other = memberNodes.remove(member.getUuid());
        if (other == null) {
            return;
        }
        String adopter = oldestNode();
        LostNodes.Loss loss = lostNodes.nodeLost(other, adopter);
        String relayTo = loss.relayTo();
        Channel channel = channels.remove(other);
        if (channel != null) {
            channel.close().forEach(outgoing -> lostNodes.redirect(other, relayTo, outgoing, false));
        }
        forwardOrder.forget(other);
        batches.entrySet().removeIf(entry -> {
            if (!entry.getValue().target().equals(other)) {
                return false;
            }
            entry.getValue().items().forEach(outgoing -> lostNodes.redirect(other, relayTo, outgoing, true));
            return true;
        });
        ownership.nodeLeft(other);
        moves.nodeLeft(other);
        retainedTakeOver.nodeLeft(other);
        LOG.info(
                "Cluster member {} ({}) left; its routes lead to node {} until that node has taken its sessions over."
                        + " Cluster now has {} member(s).",
                other,
                member.getAddress(),
                relayTo,
                memberCount());
        if (adopter.equals(nodeId)) {
            List<Channel> keeping = List.copyOf(channels.values());
            worker.execute(() -> {
                purgeOwnerships(other);
                publishWillsOf(other);
                loss.toTakeOver().forEach(lost -> lostNodes.takeOver(lost, keeping));
            });
        }
    }

    /** The oldest member's node id: every member sees the same one once they agree on the members. */
    private String oldestNode() {
        return oldestNode(member -> true).orElse(nodeId);
    }

    /** The node id of the oldest member (Hazelcast lists members oldest first) that is a Starling node and passes. */
    private Optional<String> oldestNode(Predicate<Member> eligible) {
        return hazelcast.getCluster().getMembers().stream()
                .filter(eligible)
                .map(member -> member.getAttribute(NODE_ATTRIBUTE))
                .filter(Objects::nonNull)
                .findFirst();
    }

    private void purgeOwnerships(String lostNode) {
        try {
            owners.removeAll(Predicates.like("this", lostNode + "/%"));
        } catch (RuntimeException e) {
            LOG.warn("Could not drop the client ids owned by lost node {}: {}", lostNode, e.toString());
        }
    }

    /**
     * Publishes the wills of the clients that were connected to the lost node, as that node
     * would have when their connections ended (each at most once, see {@link Wills#takeWillsOf}).
     */
    private void publishWillsOf(String lostNode) {
        try {
            int published = 0;
            for (Map.Entry<String, StoredMessage> entry :
                    wills.takeWillsOf(lostNode).entrySet()) {
                StoredMessage stored = entry.getValue();
                StoredMessage will = new StoredMessage(
                        (System.currentTimeMillis() << 20) + ids.incrementAndGet(),
                        stored.topic(),
                        stored.qos(),
                        stored.retain(),
                        stored.payload(),
                        System.currentTimeMillis());
                LOG.info(
                        "Publishing the will of client {} (connected to lost node {}) on '{}'.",
                        entry.getKey(),
                        lostNode,
                        will.topic());
                node.deliverForwarded(will.withRetain(false));
                forward(will.withRetain(false));
                if (will.retain()) {
                    node.applyRetained(will);
                    replicateRetained(will);
                }
                published++;
            }
            if (published > 0) {
                LOG.info("Published {} will(s) of clients of lost node {}.", published, lostNode);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not publish the wills of lost node {}: {}", lostNode, e.toString());
        }
    }

    // ---- sending

    private long register(Channel.Batch batch) {
        long id = ids.incrementAndGet();
        batches.put(id, batch);
        timer.schedule(
                () -> {
                    Channel.Batch late = batches.remove(id);
                    if (late != null) {
                        LOG.warn(
                                "Cluster node {} did not acknowledge batch {} ({} item(s)) within {} ms.",
                                late.target(),
                                id,
                                late.items().size(),
                                settings.requestTimeout().toMillis());
                        TimeoutException timeout =
                                new TimeoutException("no acknowledgement from node " + late.target());
                        late.items().forEach(outgoing -> {
                            if (outgoing.done() != null) {
                                outgoing.done().completeExceptionally(timeout);
                            }
                        });
                    }
                },
                settings.requestTimeout().toMillis(),
                TimeUnit.MILLISECONDS);
        return id;
    }

    private void sent(Wire.Frame frame) {
        for (Wire.Item item : frame.items()) {
            if (item.type() == Wire.FORWARD) {
                counters.forwarded();
            }
        }
    }

    /** Items queued for other nodes or sent and not acknowledged yet. */
    private long pending() {
        long pending = 0;
        for (Channel channel : channels.values()) {
            pending += channel.queued();
        }
        for (Channel.Batch batch : batches.values()) {
            pending += batch.items().size();
        }
        return pending;
    }

    private <T> CompletableFuture<T> timed(CompletableFuture<T> future) {
        return future.orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends an item to every other node; completes when all acknowledged (or left). */
    private CompletionStage<Void> broadcast(Wire.Item item) {
        return Channel.sendToAll(channels.values(), item);
    }

    private static boolean isLocalOnly(String topic) {
        return topic.startsWith("$SYS/") || topic.equals("$SYS");
    }

    // ---- the ClusterBus SPI

    @Override
    public CompletionStage<Void> filterAdded(String topicFilter) {
        synchronized (routeLock) {
            localFilters.add(topicFilter);
            CompletionStage<Void> known = broadcast(Wire.Item.route(Wire.ROUTE_ADD, topicFilter));
            announcing.put(topicFilter, known);
            known.whenComplete((ignored, failure) -> announcing.remove(topicFilter, known));
            return known;
        }
    }

    @Override
    public CompletionStage<Void> filterKnown(String topicFilter) {
        return announcing.getOrDefault(topicFilter, DONE);
    }

    @Override
    public void filterRemoved(String topicFilter) {
        synchronized (routeLock) {
            localFilters.remove(topicFilter);
            for (Channel channel : channels.values()) {
                channel.send(Wire.Item.route(Wire.ROUTE_REMOVE, topicFilter), null, true);
            }
        }
    }

    @Override
    public CompletionStage<Void> forward(StoredMessage message) {
        if (isLocalOnly(message.topic())) {
            return DONE;
        }
        Set<String> targets = routes.match(message.topic());
        if (targets.isEmpty()) {
            return DONE;
        }
        Wire.Item item = Wire.Item.message(Wire.FORWARD, message);
        List<CompletableFuture<Void>> acks = new ArrayList<>(targets.size());
        for (String target : targets) {
            CompletableFuture<Void> ack = null;
            if (message.qos() > 0) {
                // A node that leaves before acknowledging: the forward goes to the node relaying for
                // it (see memberRemoved). Should that fail too, QoS 1 fails (the publisher resends, at
                // least once); QoS 2 counts as done, since a resend would deliver it twice to everyone else.
                ack = new CompletableFuture<>();
                ack.whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        counters.failed();
                    }
                });
                acks.add(ack);
            }
            Channel channel = channels.get(target);
            if (channel != null) {
                if (channel.offer(item, ack, message.qos() == 2)) {
                    continue;
                }
                if (!channel.isClosed()) {
                    channel.send(item, ack, message.qos() == 2);
                    continue;
                }
            }
            // The node was noticed lost (its channel may have closed just now).
            String adopter = lostNodes.adopterOf(target);
            if (adopter != null) {
                lostNodes.forwardLost(target, adopter, message, ack, false);
            } else if (ack != null) {
                Channel.gone(new Channel.Outgoing(item, ack, message.qos() == 2), target);
            }
        }
        return acks.isEmpty() ? DONE : CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletionStage<Void> replicateRetained(StoredMessage message) {
        if (isLocalOnly(message.topic())) {
            return DONE;
        }
        retainedTakeOver.changed(message.topic());
        return broadcast(Wire.Item.message(Wire.RETAINED, message));
    }

    @Override
    public CompletionStage<Optional<SessionSnapshot>> claimClientId(String clientId) {
        return ownership.claim(clientId);
    }

    /**
     * A session restored from this node's store at start. If its client continued it on another
     * live node meanwhile (that node holds the id), the restored messages go there and this
     * node drops its copy (false); otherwise this node claims the id and keeps the session (true).
     */
    @Override
    public CompletionStage<Boolean> sessionRestored(SessionSnapshot restored) {
        String clientId = restored.clientId();
        Set<String> live = new HashSet<>(memberNodes.values());
        return owners.submitToKey(clientId, ClaimProcessor.unlessHeldBy(nodeId, live))
                .thenCompose(previousValue -> {
                    String holder = previousValue == null
                            ? null
                            : ClaimProcessor.Owner.parse(previousValue).node();
                    Channel channel = holder == null ? null : channels.get(holder);
                    if (holder == null || !live.contains(holder) || channel == null) {
                        return changeRecord(clientId, SessionRecords.Change.save(nodeId, restored.subscriptions()))
                                .thenApply(ignored -> true);
                    }
                    if (restored.messages().isEmpty()) {
                        return CompletableFuture.completedFuture(false);
                    }
                    CompletableFuture<Void> handedBack = timed(new CompletableFuture<>());
                    channel.send(Wire.Item.handBack(restored), handedBack, false);
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

    @Override
    public CompletionStage<Void> sessionSaved(io.starling.spi.SessionRecord record) {
        return changeRecord(record.clientId(), SessionRecords.Change.save(nodeId, record.subscriptions()))
                .thenRun(() -> recordWritten(record.clientId()));
    }

    @Override
    public CompletionStage<Void> subscriptionSaved(String clientId, String topicFilter, int qos) {
        return changeRecord(clientId, SessionRecords.Change.subscribe(nodeId, topicFilter, qos));
    }

    @Override
    public CompletionStage<Void> subscriptionRemoved(String clientId, String topicFilter) {
        return changeRecord(clientId, SessionRecords.Change.unsubscribe(nodeId, topicFilter));
    }

    @Override
    public CompletionStage<Void> sessionDeleted(String clientId) {
        return changeRecord(clientId, SessionRecords.Change.delete(nodeId)).thenRun(() -> recordWritten(clientId));
    }

    @Override
    public CompletionStage<Void> inboundQos2Received(InboundQos2Receipt receipt) {
        return timed(
                inboundQos2.received(receipt.clientId(), receipt.packetId()).toCompletableFuture());
    }

    @Override
    public void inboundQos2Released(String clientId, int packetId) {
        inboundQos2.released(clientId, packetId);
    }

    @Override
    public void inboundQos2Cleared(String clientId) {
        inboundQos2.cleared(clientId);
    }

    @Override
    public boolean leasesPacketIds() {
        return true;
    }

    @Override
    public CompletionStage<Void> leasePacketIds(String clientId, long upTo) {
        return changeRecord(clientId, SessionRecords.Change.lease(upTo));
    }

    /** Written after the session's routes are known everywhere: a session that moved here is reachable. */
    private void recordWritten(String clientId) {
        lostNodes.recordWritten(clientId);
        moves.recordWritten(clientId);
    }

    private CompletionStage<Void> changeRecord(String clientId, SessionRecords.Change change) {
        IMap<String, String> map = sessionRecords;
        if (map == null || closed) {
            return DONE;
        }
        return timed(map.submitToKey(clientId, change).toCompletableFuture()).thenApply(ignored -> null);
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
     * ({@link Wire#TAKE_OVER}), which it does as a session move (with the relay, so what reaches
     * the session here meanwhile follows it). Waits until no session is left here and every
     * relay ended, at most three request timeouts.
     */
    @Override
    public void handOverSessions() {
        List<Channel> others = List.copyOf(channels.values());
        Set<String> sessions = node.clientIds();
        if (others.isEmpty() || sessions.isEmpty()) {
            return;
        }
        int next = 0;
        for (String clientId : sessions) {
            others.get(next++ % others.size()).send(Wire.Item.move(Wire.TAKE_OVER, clientId), null, false);
        }
        long deadline =
                System.nanoTime() + settings.requestTimeout().multipliedBy(3).toNanos();
        Set<String> left = new HashSet<>(sessions);
        while (System.nanoTime() < deadline) {
            left.retainAll(node.clientIds());
            if (left.isEmpty() && !moves.relaying()) {
                LOG.info("Handed {} session(s) over to the other nodes.", sessions.size());
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        LOG.warn(
                "{} of {} session(s) were not handed over within {} ms; they stay in this node's store.",
                left.size(),
                sessions.size(),
                settings.requestTimeout().multipliedBy(3).toMillis());
    }

    @Override
    public CompletionStage<List<NodeAnswer>> askOtherNodes(NodeQuery query) {
        return nodeQueries.askOtherNodes(query);
    }

    @Override
    public ClusterStatistics statistics() {
        return counters;
    }

    private int memberCount() {
        HazelcastInstance instance = hazelcast;
        if (instance == null || closed) {
            return 1;
        }
        try {
            return instance.getCluster().getMembers().size();
        } catch (RuntimeException e) {
            return 1;
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
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

    // ---- receiving

    private void onMessage(Message<byte[]> message) {
        Wire.Frame frame;
        try {
            frame = Wire.decode(message.getMessageObject());
        } catch (RuntimeException e) {
            LOG.error("Dropped an unreadable cluster frame: {}", e.toString());
            return;
        }
        if (frame.source().equals(nodeId) || closed) {
            return;
        }
        try {
            receive(frame);
        } catch (RuntimeException e) {
            LOG.error("Could not handle a cluster frame from node {}", frame.source(), e);
        }
    }

    private void receive(Wire.Frame frame) {
        String source = frame.source();
        Channel back = channel(source);
        boolean newlyReady = back.markReady();
        List<CompletableFuture<?>> stages = new ArrayList<>();
        for (Wire.Item item : frame.items()) {
            switch (item.type()) {
                case Wire.HELLO -> {
                    if (newlyReady) {
                        back.send(Wire.Item.hello(), null, false);
                    } else {
                        // Greeted again on a working channel: the other node made a new channel to this
                        // one (after a network split it dropped this node, while this node kept it) and
                        // lost this node's routes with the old one.
                        sendAllRoutes(back);
                    }
                }
                case Wire.ROUTE_ADD -> routes.add(source, item.text());
                case Wire.ROUTE_REMOVE -> routes.remove(source, item.text());
                case Wire.ROUTES_SYNC -> routes.replaceAll(source, item.filters());
                case Wire.FORWARD -> {
                    counters.received();
                    CompletableFuture<Void> stage =
                            forwardOrder.inOrder(source, null, () -> node.deliverForwarded(item.message()));
                    if (item.message().qos() > 0) {
                        stages.add(stage);
                    }
                }
                case Wire.FORWARD_LOST -> {
                    counters.received();
                    CompletableFuture<Void> stage = forwardOrder.inOrder(
                            source,
                            lostNodes.whenPlaced(item.text()),
                            () -> lostNodes.relay(item.text(), item.message(), item.flag()));
                    if (item.message().qos() > 0) {
                        stages.add(stage);
                    }
                }
                case Wire.DELIVER_TO ->
                    stages.add(lostNodes
                            .deliverHere(item.filters(), item.message(), item.flag())
                            .toCompletableFuture());
                case Wire.ADOPTED -> lostNodes.adopted(item.text(), source);
                case Wire.SETTLED -> lostNodes.settled(item.text());
                case Wire.PLACED -> lostNodes.placedOn(item.text(), item.filters(), source, item.flag());
                case Wire.MOVE_RELAY -> {
                    counters.received();
                    stages.add(moves.deliverRelayed(item.text(), item.message()).toCompletableFuture());
                }
                case Wire.MOVE_ROUTED -> moves.routed(item.text(), source);
                case Wire.MOVE_DONE -> moves.done(item.text(), source);
                case Wire.TAKE_OVER -> ownership.takeOver(item.text(), source);
                case Wire.SYNC -> {
                    // Acknowledged with its batch, after everything this node sent before.
                }
                case Wire.RETAINED -> {
                    retainedTakeOver.changed(item.message().topic());
                    stages.add(node.applyRetained(item.message()).toCompletableFuture());
                }
                case Wire.RETAINED_SYNC_REQUEST -> worker.execute(() -> retainedTakeOver.send(back, item.id()));
                case Wire.RETAINED_SYNC -> retainedTakeOver.received(source, item.message());
                case Wire.RETAINED_SYNC_DONE -> retainedTakeOver.finished(source, item.id(), item.flag());
                case Wire.RELEASE -> ownership.release(back, item);
                case Wire.HAND_BACK -> {
                    String clientId = item.snapshot().clientId();
                    stages.add(node.takeMessages(
                                    clientId,
                                    lostNodes.notRelayed(
                                            clientId, item.snapshot().messages()))
                            .toCompletableFuture());
                }
                case Wire.RELEASED -> ownership.released(item);
                case Wire.ACK -> acknowledged(item.id(), item.flag());
                default -> LOG.warn("Ignored cluster item of type {} from node {}.", item.type(), source);
            }
        }
        if (frame.batchId() != 0) {
            long batchId = frame.batchId();
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.error(
                            "Could not store what cluster node {} sent (batch {}): {}",
                            source,
                            batchId,
                            failure.toString());
                }
                back.send(Wire.Item.ack(batchId, failure == null), null, false);
            });
        }
    }

    private void acknowledged(long batchId, boolean ok) {
        Channel.Batch batch = batches.remove(batchId);
        if (batch == null) {
            return;
        }
        counters.acknowledged(System.nanoTime() - batch.sentNanos());
        for (Channel.Outgoing outgoing : batch.items()) {
            if (outgoing.done() == null) {
                continue;
            }
            if (ok) {
                outgoing.done().complete(null);
            } else {
                outgoing.done()
                        .completeExceptionally(new IllegalStateException(
                                "node " + batch.target() + " could not store the forwarded messages"));
            }
        }
    }
}
