package io.starling.cluster.local;

import io.starling.concurrent.Stages;
import io.starling.spi.ClusterBus;
import io.starling.spi.ClusterNode;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The cluster of one: there is no other node to forward to or to claim a client id from. */
public final class SingleNodeClusterBus implements ClusterBus {

    private static final CompletionStage<Optional<SessionSnapshot>> NO_SESSION =
            CompletableFuture.completedFuture(Optional.empty());

    @Override
    public void start(ClusterNode node) {
        // No members to join.
    }

    @Override
    public CompletionStage<Void> filterAdded(String topicFilter) {
        return Stages.DONE;
    }

    @Override
    public void filterRemoved(String topicFilter) {
        // No other node routes by this node's filters.
    }

    @Override
    public CompletionStage<Void> forward(StoredMessage message) {
        return Stages.DONE;
    }

    @Override
    public CompletionStage<Void> replicateRetained(StoredMessage message) {
        return Stages.DONE;
    }

    @Override
    public CompletionStage<Optional<SessionSnapshot>> claimClientId(String clientId, boolean cleanStart) {
        return NO_SESSION;
    }

    @Override
    public void close() {
        // Nothing started.
    }
}
