package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.PahoClients;
import io.starling.testing.RawMqttClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three Starling nodes, each in its own JVM with an embedded Hazelcast member, on 127.0.0.1.
 * The cluster is shared by the tests of this class; the last one kills a node.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HazelcastClusterTest {

    @TempDir
    static Path dir;

    private static ClusterProcesses cluster;
    private static ClusterProcesses.Node a;
    private static ClusterProcesses.Node b;
    private static ClusterProcesses.Node c;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterProcesses.start(dir, 3);
        a = cluster.node(0);
        b = cluster.node(1);
        c = cluster.node(2);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void messagesPublishedOnOneNodeReachSubscribersOnTheOthersAtEveryQos() throws Exception {
        try (PahoClients onB = PahoClients.connect(b.url(), "sub-b");
             PahoClients onC = PahoClients.connect(c.url(), "sub-c");
             PahoClients publisher = PahoClients.connect(a.url(), "pub-a")) {
            onB.client().subscribe("cross/#", 2);
            onC.client().subscribe("cross/+/c", 2);
            for (int qos = 0; qos <= 2; qos++) {
                publisher.client().publish("cross/q" + qos + "/c", bytes("qos" + qos), qos, false);
                PahoClients.Received atB = onB.next();
                assertEquals("qos" + qos, atB.text());
                assertEquals(qos, atB.message().getQos());
                PahoClients.Received atC = onC.next();
                assertEquals("qos" + qos, atC.text());
                assertEquals(qos, atC.message().getQos());
            }
            publisher.client().publish("cross/only-b", bytes("b only"), 1, false);
            assertEquals("b only", onB.next().text());
            assertNull(onC.poll(300), "node C has no matching filter: nothing sent there");
        }
    }

    @Test
    @Order(2)
    void messagesArriveInPublicationOrderAndQos2ExactlyOnceAcrossNodes() throws Exception {
        int count = 100;
        // (Paho hands a QoS 2 message to the application at PUBREL, so QoS 1 and 2 are
        // checked one after the other rather than interleaved.)
        try (PahoClients onB = PahoClients.connect(b.url(), "order-b");
             PahoClients publisher = PahoClients.connect(a.url(), "order-a")) {
            onB.client().subscribe("order/x", 2);
            for (int qos = 1; qos <= 2; qos++) {
                for (int i = 0; i < count; i++) {
                    publisher.client().publish("order/x", bytes("q" + qos + "m" + i), qos, false);
                }
                for (int i = 0; i < count; i++) {
                    assertEquals("q" + qos + "m" + i, onB.next().text(), "message " + i + " in publication order");
                }
            }
            assertNull(onB.poll(500), "nothing delivered twice");
        }
    }

    @Test
    @Order(3)
    void aSubscriptionIsKnownToEveryNodeBeforeSuback() throws Exception {
        try (PahoClients subscriber = PahoClients.connect(b.url(), "visible-b");
             PahoClients onA = PahoClients.connect(a.url(), "visible-a");
             PahoClients onC = PahoClients.connect(c.url(), "visible-c")) {
            for (int i = 0; i < 20; i++) {
                subscriber.client().subscribe("visible/" + i, 1);
                (i % 2 == 0 ? onA : onC).client().publish("visible/" + i, bytes("v" + i), 1, false);
                assertEquals("v" + i, subscriber.next().text(), "published right after SUBACK on another node");
            }
        }
    }

    @Test
    @Order(4)
    void aClientIdConnectedOnAnotherNodeIsTakenOverThere() throws Exception {
        try (RawMqttClient first = new RawMqttClient(a.mqttPort);
             RawMqttClient second = new RawMqttClient(b.mqttPort)) {
            assertEquals(0, first.connect("roamer", true, 60));
            assertEquals(0, second.connect("roamer", true, 60));
            assertTrue(first.isClosedByServer(), "the connection on node A is closed");
            second.send(RawMqttClient.pingreq());
            second.expect(RawMqttClient.PINGRESP);
        }
    }

    @Test
    @Order(5)
    void aPersistentSessionMovesWithItsQueuedMessages() throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(a.mqttPort)) {
            assertEquals(0, subscriber.connect("mover", false, 60));
            subscriber.send(RawMqttClient.subscribePacket(1, "move/#", 1));
            subscriber.expect(RawMqttClient.SUBACK);
            subscriber.send(RawMqttClient.disconnect());
            assertTrue(subscriber.isClosedByServer());
        }
        try (PahoClients publisher = PahoClients.connect(c.url(), "mover-pub")) {
            for (int i = 1; i <= 3; i++) {
                publisher.client().publish("move/x", bytes("q" + i), 1, false);
            }
        }
        try (RawMqttClient subscriber = new RawMqttClient(b.mqttPort)) {
            subscriber.send(RawMqttClient.connectPacket("mover", false, 60));
            RawMqttClient.Packet connack = subscriber.expect(RawMqttClient.CONNACK);
            assertEquals(1, connack.body()[0], "session-present on the new node");
            for (int i = 1; i <= 3; i++) {
                RawMqttClient.Packet publish = subscriber.expect(RawMqttClient.PUBLISH);
                assertTrue(new String(publish.body(), StandardCharsets.UTF_8).endsWith("q" + i));
                subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, packetIdOf(publish)));
            }
            try (PahoClients publisher = PahoClients.connect(a.url(), "mover-pub2")) {
                publisher.client().publish("move/y", bytes("live"), 1, false);
            }
            RawMqttClient.Packet live = subscriber.expect(RawMqttClient.PUBLISH);
            assertTrue(new String(live.body(), StandardCharsets.UTF_8).endsWith("live"), "its subscription moved too");
        }
    }

    @Test
    @Order(6)
    void concurrentConnectsWithOneClientIdLeaveExactlyOneConnection() throws Exception {
        int clients = 6;
        List<RawMqttClient> connections = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RawMqttClient>> connecting = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int port = cluster.node(i % 3).mqttPort;
                connecting.add(pool.submit((Callable<RawMqttClient>) () -> {
                    RawMqttClient client = new RawMqttClient(port, 3000);
                    go.await();
                    client.send(RawMqttClient.connectPacket("racer", false, 60));
                    return client;
                }));
            }
            go.countDown();
            for (Future<RawMqttClient> future : connecting) {
                connections.add(future.get(20, TimeUnit.SECONDS));
            }
            for (RawMqttClient connection : connections) {
                awaitConnackOrClose(connection);
            }
            int open = 0;
            for (RawMqttClient connection : connections) {
                if (stillServed(connection)) {
                    open++;
                }
            }
            assertEquals(1, open, () -> "exactly one connection with the id survives; the nodes logged:\n"
                + logLines("racer"));
        } finally {
            pool.shutdownNow();
            for (RawMqttClient connection : connections) {
                connection.close();
            }
        }
    }

    private static String logLines(String text) {
        StringBuilder lines = new StringBuilder();
        for (ClusterProcesses.Node node : cluster.nodes) {
            node.process.output().lines().filter(line -> line.contains(text))
                .forEach(line -> lines.append(node.mqttPort).append(": ").append(line).append('\n'));
        }
        return lines.toString();
    }

    /** Waits until the connection got its CONNACK or was closed (taken over before CONNACK). */
    private static void awaitConnackOrClose(RawMqttClient connection) {
        try {
            connection.expect(RawMqttClient.CONNACK);
        } catch (java.io.IOException | AssertionError e) {
            // Closed without CONNACK: a newer connection took the id over first.
        }
    }

    /** Whether the connection answers a PINGREQ (a closed one ends its stream instead). */
    private static boolean stillServed(RawMqttClient connection) throws Exception {
        try {
            connection.send(RawMqttClient.pingreq());
            while (true) {
                RawMqttClient.Packet packet = connection.read();
                if (packet.type() == RawMqttClient.PINGRESP) {
                    return true;
                }
            }
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    @Order(7)
    void retainedMessagesAreClusterWide() throws Exception {
        try (PahoClients publisher = PahoClients.connect(a.url(), "retainer")) {
            publisher.client().publish("status/a", bytes("up"), 1, true);
        }
        for (ClusterProcesses.Node node : List.of(b, c)) {
            try (PahoClients reader = PahoClients.connect(node.url(), "reader-" + node.mqttPort)) {
                reader.client().subscribe("status/#", 1);
                PahoClients.Received retained = reader.next();
                assertEquals("up", retained.text());
                assertTrue(retained.message().isRetained());
            }
        }
        try (PahoClients publisher = PahoClients.connect(c.url(), "clearer")) {
            publisher.client().publish("status/a", new byte[0], 1, true);
        }
        try (PahoClients reader = PahoClients.connect(a.url(), "reader-after")) {
            reader.client().subscribe("status/#", 1);
            assertNull(reader.poll(300), "deleted on every node");
        }
    }

    @Test
    @Order(8)
    void forwardedMessagesAreCountedOnBothNodes() throws Exception {
        long forwardedBefore = metric(a, "starling_cluster_messages_forwarded_total");
        long acknowledgedBefore = metric(a, "starling_cluster_forward_ack_seconds_count");
        long receivedBefore = metric(b, "starling_cluster_messages_received_total");
        try (PahoClients onB = PahoClients.connect(b.url(), "counted-b");
             PahoClients publisher = PahoClients.connect(a.url(), "counting-a")) {
            onB.client().subscribe("counted/#", 1);
            for (int i = 0; i < 5; i++) {
                publisher.client().publish("counted/" + i, bytes("m" + i), 1, false);
                assertEquals("m" + i, onB.next().text());
            }
        }
        assertTrue(metric(a, "starling_cluster_messages_forwarded_total") >= forwardedBefore + 5);
        assertTrue(metric(a, "starling_cluster_forward_ack_seconds_count") > acknowledgedBefore,
            "the QoS 1 batches were acknowledged");
        assertTrue(metric(b, "starling_cluster_messages_received_total") >= receivedBefore + 5);
        assertEquals(3, metric(c, "starling_cluster_members"));
    }

    /** A sample of the node's Prometheus /metrics. */
    private static long metric(ClusterProcesses.Node node, String name) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + node.httpPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body().lines().filter(line -> line.startsWith(name + " ")).findFirst()
            .map(line -> (long) Double.parseDouble(line.substring(name.length() + 1)))
            .orElseThrow(() -> new AssertionError(name + " missing in " + response.body()));
    }

    @Test
    @Order(100)
    void aKilledNodeIsDroppedAndTheOthersKeepServing() throws Exception {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setWill("will/doomed-c", bytes("c is gone"), 1, false);
        try (PahoClients onB = PahoClients.connect(b.url(), "survivor-b");
             PahoClients onC = PahoClients.connect(c.url(), "doomed-c", options)) {
            onB.client().subscribe("loss/#", 1);
            onB.client().subscribe("will/#", 1);
            onC.client().subscribe("loss/#", 1);
            int fromA = a.process.lineCount();
            int fromB = b.process.lineCount();
            c.process.kill();
            a.process.awaitLine("left; dropped its", fromA, 30_000);
            b.process.awaitLine("left; dropped its", fromB, 30_000);
            PahoClients.Received will = onB.next();
            assertEquals("will/doomed-c", will.topic());
            assertEquals("c is gone", will.text(), "a survivor published the will of the lost node's client");
            try (PahoClients publisher = PahoClients.connect(a.url(), "after-loss")) {
                long start = System.nanoTime();
                publisher.client().publish("loss/x", bytes("still here"), 1, false);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 5_000, "PUBACK does not wait for the lost node (" + millis + " ms)");
            }
            assertEquals("still here", onB.next().text());
        }
        Set<Integer> alive = new HashSet<>();
        for (ClusterProcesses.Node node : List.of(a, b)) {
            if (node.process.isAlive()) {
                alive.add(node.mqttPort);
            }
        }
        assertEquals(2, alive.size());
    }

    @Test
    @Order(101)
    void aNodeJoiningLaterTakesTheClusterRetainedMessagesOver() throws Exception {
        try (PahoClients publisher = PahoClients.connect(a.url(), "retainer-late")) {
            publisher.client().publish("late/set-while-away", bytes("news"), 1, true);
        }
        int fromA = a.process.lineCount();
        c.process.close();
        cluster.launch(c);
        c.mqttPort = c.process.awaitPort(90_000);
        a.awaitMembers(3, fromA);
        try (PahoClients reader = PahoClients.connect(c.url(), "late-reader")) {
            reader.client().subscribe("late/#", 1);
            PahoClients.Received retained = reader.next();
            assertEquals("news", retained.text(), "a retained message set before the node started");
            assertTrue(retained.message().isRetained());
        }
    }

    /**
     * A split brain on loopback: node C is frozen (SIGSTOP) past the member timeout, so A and B
     * drop it and go on; when it runs again it finds itself alone (its own one-node cluster),
     * then Hazelcast merges it back. Afterwards messages cross between C and the others again,
     * C has the retained message set on the larger side meanwhile, and a client id connected on
     * C is still unique: connecting it on A closes C's connection.
     */
    @Test
    @Order(102)
    void aNodeCutOffAndBackIsMergedAndServesAgain() throws Exception {
        try (PahoClients onC = PahoClients.connect(c.url(), "split-c");
             PahoClients onA = PahoClients.connect(a.url(), "split-a")) {
            onC.client().subscribe("split/#", 0);
            onA.client().subscribe("split/#", 0);
            int fromA = a.process.lineCount();
            int fromC = c.process.lineCount();
            c.process.pause();
            try {
                a.process.awaitLine("left; dropped its", fromA, 30_000);
                onA.client().publish("split/during", bytes("larger side"), 1, true);
                assertEquals("larger side", onA.next().text());
            } finally {
                c.process.resume();
            }
            c.process.awaitLine("left; dropped its", fromC, 30_000);
            int merged = c.process.awaitLine("Cluster now has 3 member(s).", fromC, 90_000);
            c.process.awaitLine("retained message(s) over from node", merged, 30_000);
            a.awaitMembers(3, fromA);

            PahoClients.Received atC = publishUntilReceived(onA, "split/to-c", onC);
            assertEquals("split/to-c", atC.topic(), "A's publish reaches C's subscriber again");

            try (RawMqttClient reader = new RawMqttClient(c.mqttPort)) {
                assertEquals(0, reader.connect("split-reader", true, 60));
                reader.send(RawMqttClient.subscribePacket(1, "split/during", 0));
                reader.expect(RawMqttClient.SUBACK);
                RawMqttClient.Packet retained = reader.expect(RawMqttClient.PUBLISH);
                assertTrue(new String(retained.body(), StandardCharsets.UTF_8).endsWith("larger side"),
                    "C took the larger side's retained messages over");
            }

            try (PahoClients again = PahoClients.connect(a.url(), "split-c")) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (onC.client().isConnected() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                assertFalse(onC.client().isConnected(), "the client id stays unique across the merged cluster");
                assertTrue(again.client().isConnected());
            }
        }
    }

    /**
     * Publishes QoS 0 messages on {@code topic} until {@code subscriber} receives one (the routes
     * of a merged node arrive shortly after the membership change); bounded to 60 tries of 500 ms.
     */
    private static PahoClients.Received publishUntilReceived(PahoClients publisher, String topic,
                                                            PahoClients subscriber) throws Exception {
        for (int attempt = 0; attempt < 60; attempt++) {
            publisher.client().publish(topic, bytes("try " + attempt), 0, false);
            PahoClients.Received received = subscriber.poll(500);
            if (received != null) {
                return received;
            }
        }
        throw new AssertionError("nothing published on " + topic + " arrived in 60 tries");
    }

    private static int packetIdOf(RawMqttClient.Packet publish) {
        int topicLength = ((publish.body()[0] & 0xFF) << 8) | (publish.body()[1] & 0xFF);
        int index = 2 + topicLength;
        return ((publish.body()[index] & 0xFF) << 8) | (publish.body()[index + 1] & 0xFF);
    }
}
