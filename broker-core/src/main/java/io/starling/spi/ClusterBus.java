package io.starling.spi;

import io.starling.concurrent.Stages;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Connects this node's broker with the other nodes of a cluster. The single-node
 * implementation does nothing; a clustered one forwards publishes to the nodes that have
 * matching subscribers and keeps client ids unique across nodes.
 */
public interface ClusterBus extends AutoCloseable {

    /** Starts membership; {@code node} receives what other nodes send to this one. */
    void start(ClusterNode node);

    /** This node now has at least one subscriber for the filter. */
    CompletionStage<Void> filterAdded(String topicFilter);

    /**
     * Another subscriber of this node for a filter it has announced: completes when every node
     * knows the filter (at once, unless its {@link #filterAdded} is still on its way).
     */
    default CompletionStage<Void> filterKnown(String topicFilter) {
        return Stages.DONE;
    }

    /** This node no longer has any subscriber for the filter. */
    void filterRemoved(String topicFilter);

    /**
     * Hands a message published on this node to the other nodes with matching subscribers
     * (live delivery: its retain flag is 0). Completes when they have accepted it (for QoS 1/2,
     * before the publisher is acknowledged).
     */
    CompletionStage<Void> forward(StoredMessage message);

    /**
     * As {@link #forward}, for a message whose publisher can be told that nobody took it (MQTT 5
     * PUBACK / PUBREC 0x97) and that nobody took on this node: waits for the other nodes'
     * answers ({@link ClusterNode#deliverForwardedWithinQuota}).
     *
     * @return completes when {@link #forward} would, with true when every node it went to refused
     *     it (each dropped it for its full sessions); false when some node took it, or it went to
     *     no node, or a node could not tell (QoS 0 is not acknowledged between nodes)
     */
    default CompletionStage<Boolean> forwardWithinQuota(StoredMessage message) {
        return forward(message).thenApply(ignored -> false);
    }

    /**
     * Whether {@link #forward} would hand a message to this topic to another node now (a node
     * has a matching route): such a message may reach a subscriber there, so it is not refused
     * for a lack of room here.
     */
    default boolean routesElsewhere(String topic) {
        return false;
    }

    /**
     * This node's shared subscription group {@code group} (its whole {@code $share/...} name) has
     * {@code online} members online now (0: only offline ones); -1: the group has no member here
     * any more. The other nodes learn it with the routes (see {@link #sharedGroupNodes}).
     */
    default void sharedGroupChanged(String group, int online) {}

    /**
     * Completes when every other node has what this node told it of its shared subscription
     * groups so far (a SUBACK waits for it, as for {@link #filterAdded}).
     */
    default CompletionStage<Void> sharedGroupsKnown() {
        return Stages.DONE;
    }

    /** The shared subscription groups other nodes have whose filter matches the topic. */
    default Set<String> sharedGroupsMatching(String topic) {
        return Set.of();
    }

    /** The other nodes that have the group, with the number of members online on each (0 or more). */
    default Map<String, Integer> sharedGroupNodes(String group) {
        return Map.of();
    }

    /**
     * Sends a message for the shared subscription group to {@code node}, which gives it to one of
     * its members (or keeps it in its group's queue, or sends it on).
     *
     * @param publisher the publishing client's id (the key of the hash strategies), or null
     */
    default SharedForwarding forwardShared(String node, String group, String publisher, StoredMessage message) {
        return new SharedForwarding(
                CompletableFuture.failedFuture(new IllegalStateException("no cluster")),
                CompletableFuture.completedFuture(false));
    }

    /**
     * This node's group is done with a message (see {@link SharedForwarding#done}): if another
     * node sent it here, that node is told.
     */
    default void sharedDone(String group, long messageId) {}

    /**
     * Replicates a retained message set on this node (an empty payload deletes) to every other
     * node, whether or not it has matching subscribers.
     */
    CompletionStage<Void> replicateRetained(StoredMessage message);

    /**
     * Claims the client id for a connection on this node; a connection with the same id on
     * another node is closed and that node's session is handed over.
     *
     * @param cleanStart the connection starts a new session (MQTT 5 Clean Start, or a 3.1.1 clean
     *     session): the cluster need not find the old one's state, only end it (a delayed will
     *     of the old one is published)
     * @return the session another node gave up (see {@link ClusterNode#releaseSession}), or empty
     */
    CompletionStage<Optional<SessionSnapshot>> claimClientId(String clientId, boolean cleanStart);

    /**
     * A persistent session this node restored from its store at start, before it is routed.
     * Its client may have continued the session on another node while this one was down: then
     * the cluster hands the restored messages (queued and in flight) to that node (see
     * {@link ClusterNode#takeMessages}) and the result is false, so this node drops its copy.
     * True: the session stays on this node.
     */
    default CompletionStage<Boolean> sessionRestored(SessionSnapshot restored) {
        return CompletableFuture.completedFuture(true);
    }

    /**
     * A persistent session was created or replaced on this node (as {@link SessionStore#save}).
     * This and the three methods below mirror the session store's writes, so that the cluster
     * can keep the session's subscriptions for another node to continue if this one is lost.
     * Completes when the cluster has the change; a failure is logged, never fails the client.
     */
    default CompletionStage<Void> sessionSaved(SessionRecord record) {
        return Stages.DONE;
    }

    /** A persistent session of this node subscribed (as {@link SessionStore#addSubscription}). */
    default CompletionStage<Void> subscriptionSaved(String clientId, String topicFilter, int qos) {
        return Stages.DONE;
    }

    /** A persistent session of this node unsubscribed (as {@link SessionStore#removeSubscription}). */
    default CompletionStage<Void> subscriptionRemoved(String clientId, String topicFilter) {
        return Stages.DONE;
    }

    /** A persistent session's expiry changed (as {@link SessionStore#saveExpiry}). */
    default CompletionStage<Void> sessionExpirySaved(String clientId, SessionExpiry expiry) {
        return Stages.DONE;
    }

    /** A persistent session left this node: deleted, or handed to another node (as {@link SessionStore#delete}). */
    default CompletionStage<Void> sessionDeleted(String clientId) {
        return Stages.DONE;
    }

    /**
     * Whether persistent sessions lease their packet ids from the cluster (see
     * {@link #leasePacketIds}); if not, they use them freely.
     */
    default boolean leasesPacketIds() {
        return false;
    }

    /**
     * The client's persistent session on this node may use packet ids up to the position
     * {@code upTo} (positions count ids handed out, the id is {@code 1 + position % 65535}). A
     * node that continues the session after this one is lost starts there, so it never reuses
     * an id this node may have left open in the client. Completes when the cluster has it.
     */
    default CompletionStage<Void> leasePacketIds(String clientId, long upTo) {
        return Stages.DONE;
    }

    /**
     * A persistent session's client sent a QoS 2 PUBLISH with this packet id, and it is routed:
     * until its PUBREL, a node that continues the session after this one is lost must take a
     * resend of it as the same message (PUBREC again, not routed twice). Completes when the
     * cluster has it (the PUBREC waits for that).
     */
    default CompletionStage<Void> inboundQos2Received(InboundQos2Receipt receipt) {
        return Stages.DONE;
    }

    /** The PUBREL of that packet id came (see {@link #inboundQos2Received}). */
    default void inboundQos2Released(String clientId, int packetId) {}

    /**
     * A new persistent session of the client starts on this node: what the cluster kept of an
     * earlier one (QoS 2 packet ids of its client awaiting PUBREL, the copy of its queue) no
     * longer applies. Completes when the cluster has forgotten it (the session's first message
     * must not meet the copy of the earlier queue).
     */
    default CompletionStage<Void> persistentSessionStarted(String clientId) {
        return Stages.DONE;
    }

    /**
     * A persistent session ended on this node (it expired, or its client started a clean
     * session): what the cluster kept of its queue goes. (Not called when a session moves to
     * another node, which takes over what the cluster kept.)
     */
    default void persistentSessionEnded(String clientId) {}

    /**
     * The store of queued messages as the broker uses it: {@code local}, or, for a cluster that
     * keeps a copy of every persistent session's queue on other nodes (so that a node continuing
     * a session after this one is lost has every message this one acknowledged), {@code local}
     * with its changes also made to that copy.
     */
    default MessageQueueStore queueStore(MessageQueueStore local) {
        return local;
    }

    /**
     * A client with a will is connected to this node (CONNACK sent). The cluster may keep the
     * will so that the other nodes publish it if this node is lost while the client is connected.
     */
    default void willRegistered(String clientId, StoredMessage will) {}

    /**
     * The connection that registered {@code will} (the same instance) ended: its will was
     * published here or is not to be published (DISCONNECT). Nobody else may publish it now.
     */
    default void willCleared(String clientId, StoredMessage will) {}

    /**
     * This node stops (its listeners are closed and its connections ended): its persistent
     * sessions go to other nodes with what they have queued, so that their clients find them
     * there at once and nothing waits for this node to return. Returns when all went, or when
     * the cluster's time for it is up (what is left stays in this node's store).
     */
    default void handOverSessions() {}

    /** This node's id among the members of the cluster, as the admin API names nodes. */
    default String nodeId() {
        return "single-node";
    }

    /**
     * Puts an admin API query to every other node of the cluster (this node answers it itself);
     * completes with their answers once all answered or the cluster's request time is up (a
     * node that did not answer in time is a {@link NodeAnswer#failed} answer). Never on the
     * publish path: the admin API calls it when an operator asks.
     */
    default CompletionStage<List<NodeAnswer>> askOtherNodes(NodeQuery query) {
        return CompletableFuture.completedFuture(List.of());
    }

    /** Members and forwarding figures, for monitoring. */
    default ClusterStatistics statistics() {
        return ClusterStatistics.SINGLE_NODE;
    }

    @Override
    void close();
}
