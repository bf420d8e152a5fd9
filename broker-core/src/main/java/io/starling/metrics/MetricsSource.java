package io.starling.metrics;

import io.starling.spi.ClusterStatistics;
import io.starling.spi.StoreStatistics;
import java.util.List;

/** The figures the metrics outputs need beyond the counters: read when they are rendered. */
public interface MetricsSource {

    BrokerMetrics counters();

    /** Sessions known to this node, connected or not. */
    int sessionCount();

    /** Retained messages. */
    int retainedMessages();

    /** What the storage back end reports. */
    StoreStatistics store();

    /** What the cluster back end reports (one member, nothing forwarded, when not clustered). */
    ClusterStatistics cluster();

    /** This node's shared subscription groups. */
    default List<SharedGroupFigures> sharedGroups() {
        return List.of();
    }
}
