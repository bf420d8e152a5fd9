package io.starling.cluster.hazelcast;

import io.starling.testing.BrokerProcess;
import io.starling.testing.FreePort;
import io.starling.testing.ScrapedMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Starling nodes clustered with Hazelcast, each the real {@code io.starling.Main} in a JVM of
 * its own on 127.0.0.1, with its own MQTT and Hazelcast ports and a cluster name of its own
 * (so clusters of different test classes never meet).
 */
final class ClusterProcesses implements AutoCloseable {

    /** One node: its process, MQTT port and Hazelcast port. */
    static final class Node {
        final int memberPort;
        final Path config;
        BrokerProcess process;
        int mqttPort;
        int httpPort;

        Node(int memberPort, Path config) {
            this.memberPort = memberPort;
            this.config = config;
        }

        String url() {
            return "tcp://127.0.0.1:" + mqttPort;
        }

        /** Waits until this node's log says the cluster has {@code members} members. */
        void awaitMembers(int members, int fromLine) throws InterruptedException {
            process.awaitLine("Cluster now has " + members + " member(s).", fromLine, 60_000);
        }

        /**
         * Waits (at most 60 s) until this node reports the cluster's shared state backed up again
         * ({@code starling_cluster_safe} 1): a test that loses a second member right after a first
         * otherwise loses what Hazelcast had not copied again yet, as a real cluster would.
         */
        void awaitClusterSafe() throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ScrapedMetrics.scrape(httpPort).value("starling_cluster_safe") != 1) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the cluster's backups were not in sync within 60 s");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    /** Waits until one of the two nodes logs {@code text} (after the given lines), at most 30 s. */
    static void awaitLineOnEither(Node first, Node second, String text, int fromFirst, int fromSecond) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!logged(first, text, fromFirst) && !logged(second, text, fromSecond)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no node logged '" + text + "'");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private static boolean logged(Node node, String text, int fromLine) {
        return node.process.output().lines().skip(fromLine).anyMatch(line -> line.contains(text));
    }

    private static final List<String> JVM_ARGS = Arrays.stream(
                    System.getProperty("starling.test.node.jvm.args", "").trim().split("\\s+"))
            .filter(s -> !s.isEmpty())
            .toList();

    final List<Node> nodes = new ArrayList<>();
    /** JVM options of every node after the shared ones (e.g. a smaller -Xmx). */
    private final List<String> jvmArgs;

    private ClusterProcesses(List<String> extraJvmArgs) {
        List<String> all = new ArrayList<>(JVM_ARGS);
        all.addAll(extraJvmArgs);
        this.jvmArgs = List.copyOf(all);
    }

    /**
     * Starts {@code count} nodes at once and waits until each sees all of them. In
     * {@code settings}, {@code {node}} stands for the node's index (e.g. for its data directory).
     */
    static ClusterProcesses start(Path dir, int count, String... settings) throws Exception {
        return start(dir, count, List.of(), settings);
    }

    /** {@link #start(Path, int, String...)} with JVM options of the test's own for every node. */
    static ClusterProcesses start(Path dir, int count, List<String> jvmArgs, String... settings) throws Exception {
        ClusterProcesses cluster = new ClusterProcesses(jvmArgs);
        String clusterName = "test-" + UUID.randomUUID();
        int[] memberPorts = new int[count];
        for (int i = 0; i < count; i++) {
            memberPorts[i] = FreePort.next();
        }
        List<String> members = new ArrayList<>();
        for (int port : memberPorts) {
            members.add("\"127.0.0.1:" + port + "\"");
        }
        for (int i = 0; i < count; i++) {
            Path config = dir.resolve("node" + i + ".conf");
            List<String> lines = new ArrayList<>(List.of(
                    "starling.listener { host = \"127.0.0.1\", port = 0 }",
                    "starling.http { host = \"127.0.0.1\", port = 0 }",
                    "starling.sys-interval = 0",
                    "starling.cluster.type = hazelcast",
                    "starling.cluster.hazelcast {",
                    "  cluster-name = \"" + clusterName + "\"",
                    "  member-port = " + memberPorts[i],
                    "  members = " + members,
                    "  member-timeout = 4s",
                    "  join-timeout = 3s",
                    "}"));
            for (String setting : settings) {
                lines.add(setting.replace("{node}", Integer.toString(i)));
            }
            Files.write(config, lines);
            cluster.nodes.add(new Node(memberPorts[i], config));
        }
        try {
            for (Node node : cluster.nodes) {
                cluster.launch(node);
            }
            for (Node node : cluster.nodes) {
                node.mqttPort = node.process.awaitPort(90_000);
                node.httpPort = node.process.awaitHttpPort(30_000);
            }
            for (Node node : cluster.nodes) {
                node.awaitMembers(count, 0);
            }
        } catch (Throwable e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** {@link #start} with each node's own MapDB store in {@code dir} (data-0, data-1, ...). */
    static ClusterProcesses startWithMapDb(Path dir, int count, String... settings) throws Exception {
        return startWithMapDb(dir, count, List.of(), settings);
    }

    /** {@link #startWithMapDb(Path, int, String...)} with JVM options of the test's own for every node. */
    static ClusterProcesses startWithMapDb(Path dir, int count, List<String> jvmArgs, String... settings)
            throws Exception {
        String[] all = new String[settings.length + 2];
        all[0] = "starling.storage.type = mapdb";
        all[1] = "starling.storage.mapdb.directory = \"" + dir.resolve("data-{node}") + "\"";
        System.arraycopy(settings, 0, all, 2, settings.length);
        return start(dir, count, jvmArgs, all);
    }

    /** Starts (or restarts) the node's process. */
    void launch(Node node) throws IOException {
        node.process = BrokerProcess.start(jvmArgs, List.of("-c", node.config.toString()), Map.of());
    }

    Node node(int index) {
        return nodes.get(index);
    }

    @Override
    public void close() throws InterruptedException {
        BrokerProcess.stopAll(
                nodes.stream()
                        .map(node -> node.process)
                        .filter(Objects::nonNull)
                        .toList(),
                Duration.ofSeconds(15));
    }
}
