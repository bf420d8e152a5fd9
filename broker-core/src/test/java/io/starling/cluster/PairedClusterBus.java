package io.starling.cluster;

import io.starling.spi.ClusterBus;
import io.starling.spi.ClusterNode;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A test double of a two-node cluster inside one JVM: each broker's bus calls the other
 * broker directly. It exercises the core's side of the cluster SPI (forwarding, retained
 * replication, session hand-over) without Hazelcast.
 */
final class PairedClusterBus implements ClusterBus {

    private volatile ClusterNode peer;

    void pairWith(ClusterNode other) {
        this.peer = other;
    }

    @Override
    public void start(ClusterNode node) {
        // The test pairs the nodes once both are built.
    }

    @Override
    public CompletionStage<Void> filterAdded(String topicFilter) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void filterRemoved(String topicFilter) {
        // Every publish is forwarded to the peer; it matches its own subscriptions.
    }

    @Override
    public CompletionStage<Void> forward(StoredMessage message) {
        return peer == null ? CompletableFuture.completedFuture(null) : peer.deliverForwarded(message);
    }

    @Override
    public CompletionStage<Void> replicateRetained(StoredMessage message) {
        return peer == null ? CompletableFuture.completedFuture(null) : peer.applyRetained(message);
    }

    @Override
    public CompletionStage<Optional<SessionSnapshot>> claimClientId(String clientId, boolean cleanStart) {
        return peer == null
                ? CompletableFuture.completedFuture(Optional.empty())
                : peer.releaseSession(clientId, null, cleanStart);
    }

    @Override
    public void close() {
        peer = null;
    }
}
