package io.starling.spi;

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

    /** This node no longer has any subscriber for the filter. */
    void filterRemoved(String topicFilter);

    /**
     * Hands a message published on this node to the other nodes with matching subscribers.
     * Completes when they have accepted it (for QoS 1/2, before the publisher is acknowledged).
     */
    CompletionStage<Void> forward(StoredMessage message);

    /**
     * Claims the client id for a connection on this node; a connection with the same id on
     * another node is closed and its session handed over before the stage completes.
     */
    CompletionStage<Void> claimClientId(String clientId);

    /** Members of the cluster, this node included. */
    default int memberCount() {
        return 1;
    }

    @Override
    void close();
}
