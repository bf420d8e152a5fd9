package io.starling.cluster.hazelcast;

import java.time.Duration;
import java.util.List;

/**
 * {@link HazelcastSettings} for tests, on 127.0.0.1: the defaults of reference.conf where a
 * test does not say otherwise, so that a new setting changes this one place.
 */
final class TestSettings {

    private TestSettings() {}

    /** A member of cluster {@code name} on {@code port}, finding the {@code members}. */
    static HazelcastSettings member(String name, int port, List<String> members, Duration requestTimeout) {
        return settings(name, port, members, requestTimeout, 256, 100, 0);
    }

    /** As {@link #member}, serving the cluster's maps only while it sees {@code minClusterSize} members. */
    static HazelcastSettings protectedMember(String name, int port, List<String> members, int minClusterSize) {
        return settings(name, port, members, Duration.ofSeconds(10), 256, 100, minClusterSize);
    }

    /** Settings of a node whose Hazelcast member is never started (the parts are driven directly). */
    static HazelcastSettings unstarted(Duration requestTimeout, int maxBatchMessages, int maxPending) {
        return settings("test", 5701, List.of("127.0.0.1:5701"), requestTimeout, maxBatchMessages, maxPending, 0);
    }

    private static HazelcastSettings settings(
            String name,
            int port,
            List<String> members,
            Duration requestTimeout,
            int maxBatchMessages,
            int maxPending,
            int minClusterSize) {
        return new HazelcastSettings(
                name,
                "127.0.0.1",
                port,
                members,
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                requestTimeout,
                maxBatchMessages,
                1 << 20,
                maxPending,
                256 * 1024,
                true,
                minClusterSize);
    }
}
