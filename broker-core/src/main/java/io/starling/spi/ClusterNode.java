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
     * @param cleanStart whether the client's new connection starts a new session: a will waiting
     *     for its delay is then published (the session ended), otherwise dropped [MQTT-3.1.3-9]
     * @return the persistent session to continue on the other node, or empty if there was none
     *     (no session, or a clean one; then nothing is relayed)
     */
    CompletionStage<Optional<SessionSnapshot>> releaseSession(String clientId, SessionRelay relay, boolean cleanStart);

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
