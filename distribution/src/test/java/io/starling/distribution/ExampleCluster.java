package io.starling.distribution;

import io.starling.testing.ExternalTool;
import io.starling.testing.FreePort;
import io.starling.testing.TestProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * The distribution's cluster example (examples/cluster/) as a user runs it: three nodes
 * started by the installation's own {@code bin/starling -c nodeN.conf}, each a JVM with its
 * own data directory, and the real HAProxy with {@code haproxy.cfg} in front. The shipped
 * files are used with only their ports (and the cluster name) replaced by free ones, so tests
 * on other machines' ports never collide and the example itself is what is tested.
 */
public final class ExampleCluster implements AutoCloseable {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String[] EXAMPLE_PORTS = {
        "1883", "1884", "1885", "1886", "9401", "9402", "9403", "5701", "5702", "5703"
    };

    /** One node: its configuration, ports and (while running) process. */
    public static final class Node {
        public final String name;
        final Path config;
        public final int mqttPort;
        public TestProcess process;
        /** The output of the node's earlier runs (before a restart). */
        String earlierOutput = "";

        Node(String name, Path config, int mqttPort) {
            this.name = name;
            this.config = config;
            this.mqttPort = mqttPort;
        }

        public String url() {
            return "tcp://127.0.0.1:" + mqttPort;
        }

        /** How many times this node logged a connection of the client id so far. */
        int connectionsOf(String clientId) {
            return (int) Pattern.compile(" as " + Pattern.quote(clientId) + " \\(")
                    .matcher(process.output())
                    .results()
                    .count();
        }
    }

    private final Path home;
    private final Path work;
    public final List<Node> nodes = new ArrayList<>();
    final int balancerPort;
    private TestProcess haproxy;

    private ExampleCluster(Path home, Path work, int balancerPort) {
        this.home = home;
        this.work = work;
        this.balancerPort = balancerPort;
    }

    /** Writes the example's files with free ports into {@code work}, starts the nodes, then HAProxy. */
    public static ExampleCluster start(Path home, Path work) throws Exception {
        return start(home, work, node -> "");
    }

    /**
     * As {@link #start(Path, Path)}, with settings appended to each node's configuration
     * ({@code extraConfig} of the node's index, 0 to 2).
     */
    public static ExampleCluster start(Path home, Path work, IntFunction<String> extraConfig) throws Exception {
        Map<String, String> ports = new LinkedHashMap<>();
        for (String port : EXAMPLE_PORTS) {
            ports.put(port, Integer.toString(FreePort.next()));
        }
        String clusterName = "it-" + UUID.randomUUID();
        ExampleCluster cluster = new ExampleCluster(home, work, Integer.parseInt(ports.get("1883")));
        try {
            for (int i = 1; i <= 3; i++) {
                Path config = cluster.copyExample("node" + i + ".conf", ports, clusterName);
                Files.writeString(config, "\n" + extraConfig.apply(i - 1) + "\n", StandardOpenOption.APPEND);
                cluster.nodes.add(
                        new Node("node" + i, config, Integer.parseInt(ports.get(Integer.toString(1883 + i)))));
            }
            for (Node node : cluster.nodes) {
                cluster.launch(node);
            }
            for (Node node : cluster.nodes) {
                cluster.awaitServing(node, 3);
            }
            Path haproxyConfig = cluster.copyExample("haproxy.cfg", ports, clusterName);
            cluster.haproxy = TestProcess.start(
                    List.of(haproxyExecutable(), "-db", "-f", haproxyConfig.toString()),
                    work,
                    CleanEnvironment.of(Map.of()));
            cluster.awaitBalancer();
        } catch (Throwable e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The example file with every example port replaced; fails if a port the test relies on is not in it. */
    private Path copyExample(String file, Map<String, String> ports, String clusterName) throws IOException {
        String text = Files.readString(home.resolve("examples/cluster").resolve(file));
        String changed = text.replace("\"starling-example\"", "\"" + clusterName + "\"");
        for (Map.Entry<String, String> port : ports.entrySet()) {
            changed = changed.replaceAll("\\b" + port.getKey() + "\\b", port.getValue());
        }
        if (changed.equals(text)) {
            throw new AssertionError("no example port found in examples/cluster/" + file);
        }
        return Files.writeString(work.resolve(file), changed);
    }

    /** Starts (or restarts, with the same configuration and data directory) the node. */
    public void launch(Node node) throws IOException {
        if (node.process != null) {
            node.earlierOutput += node.process.output() + "\n---- restarted ----\n";
        }
        node.process = TestProcess.start(
                List.of(home.resolve("bin/starling").toString(), "-c", node.config.toString()),
                work,
                CleanEnvironment.of(environment()));
    }

    /**
     * With {@code -Dfault.verbose=true} (fault-run.sh --verbose) every packet is logged, as {@code -v}
     * does, and the cluster's session moves at DEBUG.
     */
    private static Map<String, String> environment() {
        return Boolean.getBoolean("fault.verbose")
                ? Map.of(
                        "JAVA_OPTS",
                        "-Xmx256m",
                        "STARLING_OPTS",
                        "-Dstarling.log.cluster=DEBUG",
                        "STARLING_LOG_VERBOSE",
                        "true")
                : Map.of("JAVA_OPTS", "-Xmx256m");
    }

    /** Waits until the node listens and sees {@code members} members. */
    public void awaitServing(Node node, int members) throws InterruptedException {
        node.process.awaitLine(
                Pattern.compile("Opening ipv4 listen socket on 127\\.0\\.0\\.1:" + node.mqttPort), START);
        node.process.awaitLine(Pattern.compile("Cluster now has " + members + " member\\(s\\)"), START);
    }

    /** Waits until HAProxy's log says the node is up again (after a restart). */
    void awaitBalancerSees(Node node, String state, int fromLine) throws InterruptedException {
        haproxy.awaitLine("Server starling/" + node.name + " is " + state, fromLine, START);
    }

    /**
     * Waits until the node logs that it sees {@code members} members at or after line
     * {@code fromLine} of its output (a node frozen past the member timeout, merged back).
     */
    public void awaitMembers(Node node, int members, int fromLine) throws InterruptedException {
        node.process.awaitLine("Cluster now has " + members + " member(s)", fromLine, START);
    }

    /** SIGSTOP: the node's JVM stops while its sockets stay open, as a node cut off looks to the others. */
    public void freeze(Node node) throws IOException, InterruptedException {
        signal(node, "STOP");
    }

    /** SIGCONT after {@link #freeze}. */
    public void thaw(Node node) throws IOException, InterruptedException {
        signal(node, "CONT");
    }

    /** SIGTERM (the node stops cleanly) and waits for the exit; returns the exit code. */
    public int stop(Node node) throws InterruptedException {
        node.process.terminate();
        return node.process.awaitExit(START);
    }

    /** Sends the signal to the node's JVM by its process id ({@code bin/starling} execs the JVM). */
    private void signal(Node node, String signal) throws IOException, InterruptedException {
        try (TestProcess kill = TestProcess.start(
                List.of("kill", "-" + signal, Long.toString(node.process.pid())), work, System.getenv())) {
            if (kill.awaitExit(Duration.ofSeconds(10)) != 0) {
                throw new AssertionError("kill -" + signal + " " + node.name + ": " + kill.output());
            }
        }
    }

    int balancerLogLines() {
        return haproxy.lineCount();
    }

    public String balancerUrl() {
        return "tcp://127.0.0.1:" + balancerPort;
    }

    Node node(int index) {
        return nodes.get(index);
    }

    /** The node that logged the client id's connection most recently, given the counts before it. */
    Node nodeOf(String clientId, Map<Node, Integer> before) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            for (Node node : nodes) {
                if (node.process.isAlive() && node.connectionsOf(clientId) > before.getOrDefault(node, 0)) {
                    return node;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new AssertionError("no node logged a new connection of " + clientId);
    }

    /** How often each node logged the client id's connection so far. */
    Map<Node, Integer> connectionCounts(String clientId) {
        Map<Node, Integer> counts = new LinkedHashMap<>();
        for (Node node : nodes) {
            counts.put(node, node.connectionsOf(clientId));
        }
        return counts;
    }

    private void awaitBalancer() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", balancerPort), 500);
                return;
            } catch (IOException e) {
                if (!haproxy.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("haproxy is not listening on " + balancerPort + ": " + haproxy.output());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    private static String haproxyExecutable() {
        return ExternalTool.require("haproxy");
    }

    /** Keeps the output of every process of the cluster in {@code dir}, for reading after a failure. */
    public void saveLogs(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Node node : nodes) {
            if (node.process != null) {
                Files.writeString(dir.resolve(node.name + ".log"), node.earlierOutput + node.process.output());
            }
        }
        if (haproxy != null) {
            Files.writeString(dir.resolve("haproxy.log"), haproxy.output());
        }
    }

    @Override
    public void close() throws InterruptedException {
        List<TestProcess> running = new ArrayList<>();
        if (haproxy != null) {
            running.add(haproxy);
        }
        nodes.stream().map(node -> node.process).filter(Objects::nonNull).forEach(running::add);
        TestProcess.stopAll(running, Duration.ofSeconds(20));
    }
}
