package io.starling.admin;

import io.starling.spi.ClusterBus;
import io.starling.spi.NodeAnswer;
import io.starling.spi.NodeQuery;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Puts an admin query to every node of the cluster, this one included, and collects their
 * answers: this node answers itself ({@link LocalAnswers}), the others are asked through the
 * cluster bus ({@link ClusterBus#askOtherNodes}).
 */
final class ClusterAdmin {

    /** How long this node's own answer may take (reading every session on its thread). */
    private static final Duration LOCAL_TIMEOUT = Duration.ofSeconds(10);

    private final LocalAnswers local;
    private final ClusterBus cluster;

    ClusterAdmin(LocalAnswers local, ClusterBus cluster) {
        this.local = local;
        this.cluster = cluster;
    }

    /** Every node's answer, this node's first. */
    CompletionStage<List<NodeAnswer>> askEveryNode(NodeQuery query) {
        String self = cluster.nodeId();
        CompletionStage<NodeAnswer> mine = local.answer(query)
                .toCompletableFuture()
                .orTimeout(LOCAL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .handle((value, failure) ->
                        failure == null ? NodeAnswer.of(self, value) : NodeAnswer.failed(self, failure.toString()));
        return mine.thenCombine(cluster.askOtherNodes(query), (own, others) -> {
            List<NodeAnswer> all = new ArrayList<>(1 + others.size());
            all.add(own);
            all.addAll(others);
            return all;
        });
    }

    String nodeId() {
        return cluster.nodeId();
    }
}
