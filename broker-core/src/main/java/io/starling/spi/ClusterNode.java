package io.starling.spi;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
     * Another node takes the client id over: closes the local connection of that id (its will
     * is published) and gives up the session, removing it from this node.
     *
     * @return the persistent session to continue on the other node, or empty if there was none
     *     (no session, or a clean one)
     */
    CompletionStage<Optional<SessionSnapshot>> releaseSession(String clientId);

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
}
