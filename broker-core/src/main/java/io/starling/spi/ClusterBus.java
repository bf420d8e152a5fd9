package io.starling.spi;

import java.util.Optional;
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
     * Hands a message published on this node to the other nodes with matching subscribers
     * (live delivery: its retain flag is 0). Completes when they have accepted it (for QoS 1/2,
     * before the publisher is acknowledged).
     */
    CompletionStage<Void> forward(StoredMessage message);

    /**
     * Replicates a retained message set on this node (an empty payload deletes) to every other
     * node, whether or not it has matching subscribers.
     */
    CompletionStage<Void> replicateRetained(StoredMessage message);

    /**
     * Claims the client id for a connection on this node; a connection with the same id on
     * another node is closed and that node's session is handed over.
     *
     * @return the session another node gave up (see {@link ClusterNode#releaseSession}), or empty
     */
    CompletionStage<Optional<SessionSnapshot>> claimClientId(String clientId);

    /** Members of the cluster, this node included. */
    default int memberCount() {
        return 1;
    }

    @Override
    void close();
}
