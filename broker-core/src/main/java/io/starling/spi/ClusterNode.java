package io.starling.spi;

import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** What a {@link ClusterBus} may ask of the local broker node. */
public interface ClusterNode {

    /**
     * Delivers a message forwarded from another node to this node's matching subscribers.
     * Completes when the message is durable for this node's persistent subscribers: only then
     * may the forwarding node acknowledge its publisher.
     */
    CompletionStage<Void> deliverForwarded(StoredMessage message);

    /**
     * As {@link #deliverForwarded}, and tells the forwarding node whether its publisher may be
     * told that nobody took the message (MQTT 5 Quota exceeded, see
     * {@link ClusterBus#forwardWithinQuota}).
     *
     * @return completes as {@link #deliverForwarded} does, with true when the message was refused
     *     here: every subscriber it matched on this node is a persistent session at a limit of
     *     the store (it was dropped for each, counted); false when some subscriber here took it
     *     or none matched
     */
    default CompletionStage<Boolean> deliverForwardedWithinQuota(StoredMessage message) {
        return deliverForwarded(message).thenApply(ignored -> false);
    }

    /**
     * A message another node chose this node for, for the shared subscription group {@code group}:
     * given to one of this node's members, kept in the group's queue, or sent on to a node that
     * has the group if this one has not (any more). Completes when it is durable for the group.
     *
     * @param publisher the publishing client's id, or null
     */
    default CompletionStage<Void> deliverShared(String group, String publisher, StoredMessage message) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("no shared subscriptions"));
    }

    /**
     * Another node has members of the group online again: what waits in this node's queue of the
     * group while none of its own members is online goes there.
     */
    default void sharedMembersOnlineElsewhere(String group) {}

    /**
     * Delivers a message to those of the named sessions of this node whose subscriptions match
     * it, and to no other: a message for a lost node's clients, relayed to where their sessions
     * continue. Completes when it is durable for them.
     */
    CompletionStage<Void> deliverTo(Collection<String> clientIds, StoredMessage message);

    /**
     * From now on the client's session may be offered one message twice (by its routes and
     * relayed by {@link #deliverTo}); each message is delivered to it once until
     * {@link #stopWatchingForDuplicates}. Call it before the session gets its first message.
     */
    void watchForDuplicates(String clientId);

    /** Ends {@link #watchForDuplicates} for the clients: nothing more is remembered for them. */
    void stopWatchingForDuplicates(Collection<String> clientIds);

    /**
     * The client's session, watched for duplicates ({@link #watchForDuplicates}), continues with
     * these messages (the cluster's copy of a lost node's queue): a copy of one of them relayed
     * by {@link #deliverTo} (a forward the lost node had stored and not acknowledged) is not
     * delivered again.
     */
    void deliveredBefore(String clientId, Collection<QueuedMessage> messages);

    /**
     * Closes every client connection, telling MQTT 5 clients to use another server (DISCONNECT
     * 0x9C): this node is cut off from its cluster and must not acknowledge what the rest of it
     * never learns of. Their sessions stay. Returns how many connections were told.
     */
    default int sendClientsAway() {
        return 0;
    }

    /** The client ids with a session on this node now (connected or not). */
    Set<String> clientIds();

    /**
     * Another node takes the client id over: closes the local connection of that id (its will
     * is published) and gives up the session, removing it from this node.
     *
     * <p>With a {@code relay}, a persistent session stays in this node's routing after the
     * release: whatever still reaches it here (routed by nodes that do not know its new place
     * yet) goes through the relay, in order, until {@link #endRelay}. Without one (null), the
     * session leaves routing at once.
     *
     * <p>With a relay, the session's stored copy here stays until {@link #sessionMoved} (the
     * caller sends the queue on in parts, {@link #continueQueue}); without one it is deleted now.
     *
     * @param cleanStart whether the client's new connection starts a new session: a will waiting
     *     for its delay is then published (the session ended), otherwise dropped [MQTT-3.1.3-9]
     * @return the persistent session to continue on the other node, or empty if there was none
     *     (no session, or a clean one; then nothing is relayed)
     */
    CompletionStage<Optional<SessionSnapshot>> releaseSession(String clientId, SessionRelay relay, boolean cleanStart);

    /**
     * The next part of the queue of a session that moved here from another node (the messages
     * queued behind those in its {@link SessionSnapshot}, in order, before anything relayed to
     * it): stored for the session and queued behind what it holds, whatever its queue limits
     * (the other node acknowledged them to their publishers). Dropped if the session started
     * afresh here meanwhile ({@code last}: nothing more follows).
     *
     * @return completes when the part is stored (or was dropped)
     */
    CompletionStage<Void> continueQueue(String clientId, List<QueuedMessage> part, boolean last);

    /**
     * Those messages of a session released to another node (see {@link #releaseSession}) are
     * stored there now: they are removed from this node's store.
     */
    CompletionStage<Void> queuePartMoved(String clientId, Collection<Long> messageIds);

    /**
     * The new node of a released session has stored all of it: this node's stored copy of the
     * session is deleted, unless the session is here again meanwhile. Until then it stays, so
     * that a node that dies during the move loses nothing (docs/CLUSTER.md).
     */
    CompletionStage<Void> sessionMoved(String clientId);

    /**
     * The new node of a released session is known everywhere: the session leaves this node's
     * routing. Completes when everything that reached it before has been handed to its relay.
     */
    CompletionStage<Void> endRelay(String clientId);

    /**
     * The client's session, about to arrive here from another node (the answer to
     * {@link ClusterBus#claimClientId}), gets relayed messages from that node ({@link #deliverTo}) until
     * {@link #relayEnded}: meanwhile the messages routed to it here directly wait behind them,
     * so that each publisher's order holds, and each message is delivered once.
     */
    void expectRelay(String clientId);

    /**
     * The node that gave the client's session up has relayed everything: the messages that
     * waited are delivered now.
     */
    void relayEnded(String clientId);

    /**
     * Continues a persistent session here, offline: one of a lost node, from the cluster's record
     * of it (subscriptions only), or one a stopping node released to this one (with its
     * messages). From now on messages for its client are queued here, until the client connects
     * here or another node takes the session over. Nothing happens if a client with that id is
     * connected here meanwhile. Completes when the session is stored and every node knows its
     * subscriptions.
     */
    CompletionStage<Void> adoptSession(SessionSnapshot orphan);

    /**
     * Messages another node had stored for the client's session before it went down, while the
     * client continued the session here: queued for the session like new deliveries (they go
     * out with new packet ids). Completes when they are stored; if the session is not a
     * persistent session of this node (any more), they are dropped.
     */
    CompletionStage<Void> takeMessages(String clientId, List<QueuedMessage> messages);

    /**
     * A retained message set (or, with an empty payload, deleted) on another node: applies it
     * to this node's retained messages without delivering it.
     */
    CompletionStage<Void> applyRetained(StoredMessage message);

    /** Calls {@code visitor} with every retained message this node keeps ({@code $SYS} excluded). */
    void forEachRetained(Consumer<StoredMessage> visitor);

    /**
     * Takes over the cluster's retained messages (those another node keeps, by topic) when this
     * node joins: newer ones replace this node's, and this node's messages of topics missing
     * there are deleted, except for the topics in {@code keep}, which changed meanwhile.
     *
     * @return the number of retained messages changed on this node
     */
    CompletionStage<Integer> reconcileRetained(Map<String, StoredMessage> cluster, Set<String> keep);

    /**
     * Answers an admin API query about this node (its clients, sessions, figures) or carries out
     * an operator's action on what this node holds (see {@link ClusterBus#askOtherNodes}). The
     * answer holds maps, lists, strings, numbers and booleans only.
     */
    default CompletionStage<Serializable> answer(NodeQuery query) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException("this node has no admin API"));
    }
}
