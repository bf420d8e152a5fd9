package io.starling.distribution;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.FreePort;
import io.starling.testing.PahoClients;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.WaitingConsumer;
import org.testcontainers.lifecycle.Startables;

/**
 * The cluster in containers: three nodes, each the unzipped distribution's {@code bin/starling}
 * in a container of its own (MapDB store, own MQTT and Hazelcast ports on 127.0.0.1), and
 * HAProxy in a container in front. The images are local ({@code scripts/docker-setup.sh});
 * without a Docker daemon this test fails. The second test kills a node, so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerClusterIT {

    private static final int NODES = 3;
    private static final Duration CLIENT = Duration.ofSeconds(20);

    @TempDir
    static Path temp;

    private static final List<GenericContainer<?>> nodes = new ArrayList<>();
    private static final List<Integer> mqttPorts = new ArrayList<>();
    private static GenericContainer<?> haproxy;
    private static String balancer;

    @BeforeAll
    static void startClusterAndBalancer() throws Exception {
        StarlingContainers.requireDocker();
        Path home = DistributionZip.unzipInto(temp);
        String clusterName = "containers-" + UUID.randomUUID();
        List<Integer> memberPorts = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            mqttPorts.add(FreePort.next());
            memberPorts.add(FreePort.next());
        }
        String members =
                memberPorts.stream().map(port -> "\"127.0.0.1:" + port + "\"").collect(Collectors.joining(", "));
        for (int i = 0; i < NODES; i++) {
            Path nodeDir = Files.createDirectories(temp.resolve("node" + i));
            Files.writeString(
                    nodeDir.resolve("node.conf"),
                    String.join(
                            "\n",
                            "starling.listener { host = \"127.0.0.1\", port = " + mqttPorts.get(i) + " }",
                            "starling.http { host = \"127.0.0.1\", port = 0 }",
                            "starling.storage.type = mapdb",
                            "starling.cluster.type = hazelcast",
                            "starling.cluster.hazelcast {",
                            "  cluster-name = \"" + clusterName + "\"",
                            "  member-port = " + memberPorts.get(i),
                            "  members = [" + members + "]",
                            "  member-timeout = 4s",
                            "  join-timeout = 3s",
                            "}",
                            ""));
            nodes.add(StarlingContainers.node(home, nodeDir, mqttPorts.get(i), NODES));
        }
        Startables.deepStart(nodes).join();
        int haproxyPort = FreePort.next();
        haproxy = StarlingContainers.haproxy(haproxyPort, mqttPorts);
        haproxy.start();
        balancer = "tcp://127.0.0.1:" + haproxyPort;
    }

    @AfterAll
    static void stopContainers() {
        if (haproxy != null) {
            haproxy.stop();
        }
        nodes.forEach(GenericContainer::stop);
    }

    @Test
    @Order(1)
    void aQos1PublishThroughTheBalancerReachesSubscribersOnEveryNode() throws Exception {
        List<PahoClients> subscribers = new ArrayList<>();
        try {
            for (int i = 0; i < NODES; i++) {
                PahoClients subscriber = PahoClients.connect(node(i), "tc-sub-" + i);
                subscribers.add(subscriber);
                // SUBACK comes once every node knows the subscription.
                subscriber.client().subscribe("tc/all", 1);
            }
            try (PahoClients publisher = PahoClients.connect(balancer, "tc-pub")) {
                publisher.client().publish("tc/all", "to every node".getBytes(UTF_8), 1, false);
            }
            for (PahoClients subscriber : subscribers) {
                PahoClients.Received received = subscriber.next();
                assertEquals("tc/all", received.topic());
                assertEquals("to every node", received.text());
                assertEquals(1, received.message().getQos());
            }
        } finally {
            for (PahoClients subscriber : subscribers) {
                subscriber.close();
            }
        }
    }

    @Test
    @Order(2)
    void persistentSessionsOutliveTheKillOfANodeBehindTheBalancer() throws Exception {
        // A persistent session, opened through HAProxy on whichever node it picks, then offline.
        try (PahoClients away = PahoClients.connect(balancer, "tc-away", persistent())) {
            away.client().subscribe("tc/away", 1);
        }
        int home = nodeLogging(" as tc-away (");
        int victim = (home + 1) % NODES;
        int third = (home + 2) % NODES;
        // Another persistent session lives on the node that is killed (SIGKILL, as docker kill does).
        try (PahoClients moved = PahoClients.connect(node(victim), "tc-moved", persistent())) {
            moved.client().subscribe("tc/moved", 1);
            nodes.get(victim)
                    .getDockerClient()
                    .killContainerCmd(nodes.get(victim).getContainerId())
                    .exec();
            for (int survivor : List.of(home, third)) {
                awaitLog(survivor, "left; its routes lead");
            }
        }

        // Queued on the away client's node while it is offline, published on the third node.
        try (PahoClients publisher = PahoClients.connect(node(third), "tc-pub-away")) {
            publisher.client().publish("tc/away", "while away".getBytes(UTF_8), 1, false);
        }
        BlockingQueue<MqttMessage> awayReceived = new LinkedBlockingQueue<>();
        MqttClient away = resume("tc-away", awayReceived);
        BlockingQueue<MqttMessage> movedReceived = new LinkedBlockingQueue<>();
        MqttClient movedAgain = resume("tc-moved", movedReceived);
        try {
            MqttMessage queued = awayReceived.poll(CLIENT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("while away", queued == null ? null : new String(queued.getPayload(), UTF_8));
            assertEquals(1, queued.getQos());
            // The killed node's client continues on a survivor with its subscription.
            try (PahoClients publisher = PahoClients.connect(balancer, "tc-pub-moved")) {
                publisher.client().publish("tc/moved", "after the kill".getBytes(UTF_8), 1, false);
            }
            MqttMessage after = movedReceived.poll(CLIENT.toSeconds(), TimeUnit.SECONDS);
            assertEquals("after the kill", after == null ? null : new String(after.getPayload(), UTF_8));
        } finally {
            for (MqttClient client : List.of(away, movedAgain)) {
                if (client.isConnected()) {
                    client.disconnect();
                }
                client.close(true);
            }
        }
    }

    /**
     * Reconnects a persistent session through HAProxy (which no longer sends anyone to the
     * killed node) and asserts that the broker had it (CONNACK session-present).
     */
    private static MqttClient resume(String clientId, BlockingQueue<MqttMessage> into) throws MqttException {
        MqttClient client = new MqttClient(balancer, clientId, new MemoryPersistence());
        client.setCallback(new QueueingCallback(into));
        assertTrue(client.connectWithResult(persistent()).getSessionPresent(), clientId + ": session present");
        return client;
    }

    private static MqttConnectOptions persistent() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setConnectionTimeout((int) CLIENT.toSeconds());
        return options;
    }

    private static String node(int index) {
        return "tcp://127.0.0.1:" + mqttPorts.get(index);
    }

    /** The index of the node whose log has {@code text}, waiting for it a while. */
    private static int nodeLogging(String text) {
        long deadline = System.nanoTime() + CLIENT.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < NODES; i++) {
                if (nodes.get(i).getLogs().contains(text)) {
                    return i;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new AssertionError("no node logged '" + text + "'");
    }

    private static void awaitLog(int node, String text) throws TimeoutException {
        WaitingConsumer consumer = new WaitingConsumer();
        nodes.get(node).followOutput(consumer);
        consumer.waitUntil(frame -> frame.getUtf8String().contains(text), (int) CLIENT.toSeconds(), TimeUnit.SECONDS);
    }
}
