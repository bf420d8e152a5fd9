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
            assertEquals(
                    1,
                    open,
                    () -> "exactly one connection with the id survives; the nodes logged:\n" + logLines("racer"));
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
            node.process
                    .output()
                    .lines()
                    .filter(line -> line.contains(text))
                    .forEach(line -> lines.append(node.mqttPort)
                            .append(": ")
                            .append(line)
                            .append('\n'));
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
        assertTrue(
                metric(a, "starling_cluster_forward_ack_seconds_count") > acknowledgedBefore,
                "the QoS 1 batches were acknowledged");
        assertTrue(metric(b, "starling_cluster_messages_received_total") >= receivedBefore + 5);
        assertEquals(3, metric(c, "starling_cluster_members"));
    }

    /** A sample of the node's Prometheus /metrics. */
    private static long metric(ClusterProcesses.Node node, String name) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort + "/metrics"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body()
                .lines()
                .filter(line -> line.startsWith(name + " "))
                .findFirst()
                .map(line -> (long) Double.parseDouble(line.substring(name.length() + 1)))
                .orElseThrow(() -> new AssertionError(name + " missing in " + response.body()));
    }

    @Test
    @Order(100)
    void aKilledNodeIsDroppedAndTheOthersKeepServing() throws Exception {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setWill("will/doomed-c", bytes("c is gone"), 1, false);
        // Persistent clients of C that reconnect to A at once after the kill. (Several ids: for an id
        // whose owner entry C does not keep, A asks C to hand the session over before it sees C gone.)
        List<RawMqttClient> hastyOnC = new ArrayList<>();
        List<RawMqttClient> hastyOnA = new ArrayList<>();
        try (RawMqttClient intoTheGap = new RawMqttClient(a.mqttPort);
                PahoClients onB = PahoClients.connect(b.url(), "survivor-b");
                PahoClients onC = PahoClients.connect(c.url(), "doomed-c", options)) {
            onB.client().subscribe("loss/#", 1);
            onB.client().subscribe("will/#", 1);
            onC.client().subscribe("loss/#", 1);
            for (int i = 0; i < 8; i++) {
                RawMqttClient client = new RawMqttClient(c.mqttPort);
                hastyOnC.add(client);
                assertEquals(0, client.connect("hasty-" + i, false, 60));
                client.send(RawMqttClient.subscribePacket(1, "hasty/#", 1));
                client.expect(RawMqttClient.SUBACK);
                // Their CONNACK waits until A sees C gone and the owner map's partitions of C move.
                hastyOnA.add(new RawMqttClient(a.mqttPort, 30_000));
            }
            try (RawMqttClient offline = new RawMqttClient(c.mqttPort)) {
                assertEquals(0, offline.connect("away", false, 60));
                offline.send(RawMqttClient.subscribePacket(1, "away/#", 1));
                offline.expect(RawMqttClient.SUBACK);
                offline.send(RawMqttClient.disconnect());
                assertTrue(offline.isClosedByServer());
            }
            int fromA = a.process.lineCount();
            int fromB = b.process.lineCount();
            c.process.kill();
            // Reconnecting at once, while A may still ask the dead node C to hand the session over:
            // the session continues from the cluster's record once C is seen gone.
            for (int i = 0; i < hastyOnA.size(); i++) {
                hastyOnA.get(i).send(RawMqttClient.connectPacket("hasty-" + i, false, 60));
            }
            assertTrue(c.process.awaitExit(30_000) != 0, "C killed");
            // Published once C is dead and before the survivors notice (a member timeout of 4 s): A
            // forwards it to C; once C is seen gone it goes to where C's offline session went.
            intoTheGap.connect("gap-pub", true, 60);
            intoTheGap.send(RawMqttClient.publishPacket("away/gap", 1, 1, "sent into the gap"));
            a.process.awaitLine("left; its routes lead", fromA, 30_000);
            b.process.awaitLine("left; its routes lead", fromB, 30_000);
            intoTheGap.expect(RawMqttClient.PUBACK);
            for (int i = 0; i < hastyOnA.size(); i++) {
                assertEquals(
                        1,
                        hastyOnA.get(i).expect(RawMqttClient.CONNACK).body()[0],
                        "hasty-" + i + ": session-present on A");
            }
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
            try (PahoClients publisher = PahoClients.connect(b.url(), "hasty-pub")) {
                publisher.client().publish("hasty/x", bytes("found"), 1, false);
            }
            for (RawMqttClient client : hastyOnA) {
                assertTrue(
                        new String(client.expect(RawMqttClient.PUBLISH).body(), StandardCharsets.UTF_8)
                                .endsWith("found"),
                        "the subscription of the session came along");
            }

            // The offline session of C was taken over by a survivor: what is published for it now is queued.
            ClusterProcesses.awaitLineOnEither(a, b, "Took over", fromA, fromB);
            try (PahoClients publisher = PahoClients.connect(a.url(), "away-pub")) {
                publisher.client().publish("away/x", bytes("kept for you"), 1, false);
            }
            try (RawMqttClient back = new RawMqttClient(b.mqttPort)) {
                back.send(RawMqttClient.connectPacket("away", false, 60));
                assertEquals(1, back.expect(RawMqttClient.CONNACK).body()[0], "session-present");
                assertTrue(
                        new String(back.expect(RawMqttClient.PUBLISH).body(), StandardCharsets.UTF_8)
                                .endsWith("sent into the gap"),
                        "published after its node died and before that was noticed");
                assertTrue(
                        new String(back.expect(RawMqttClient.PUBLISH).body(), StandardCharsets.UTF_8)
                                .endsWith("kept for you"),
                        "published while the client was offline and its node lost, queued for it");
            }
        } finally {
            for (RawMqttClient client : hastyOnC) {
                client.close();
            }
            for (RawMqttClient client : hastyOnA) {
                client.close();
            }
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
                a.process.awaitLine("left; its routes lead", fromA, 30_000);
                onA.client().publish("split/during", bytes("larger side"), 1, true);
                assertEquals("larger side", onA.next().text());
            } finally {
                c.process.resume();
            }
            c.process.awaitLine("left; its routes lead", fromC, 30_000);
            int merged = c.process.awaitLine("Cluster now has 3 member(s).", fromC, 90_000);
            c.process.awaitLine("retained message(s) over from node", merged, 30_000);
            // Connections are refused until it has released the sessions the other side continued.
            c.process.awaitLine("Merged back into the cluster; serving clients again.", fromC, 30_000);
            a.awaitMembers(3, fromA);

            PahoClients.Received atC;
            try {
                atC = publishUntilReceived(onA, "split/to-c", onC);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + logsSinceFreeze(fromA, fromC), e);
            }
            assertEquals("split/to-c", atC.topic(), "A's publish reaches C's subscriber again");

            try (RawMqttClient reader = new RawMqttClient(c.mqttPort)) {
                assertEquals(0, reader.connect("split-reader", true, 60));
                reader.send(RawMqttClient.subscribePacket(1, "split/during", 0));
                reader.expect(RawMqttClient.SUBACK);
                RawMqttClient.Packet retained = reader.expect(RawMqttClient.PUBLISH);
                assertTrue(
                        new String(retained.body(), StandardCharsets.UTF_8).endsWith("larger side"),
                        "C took the larger side's retained messages over");
            }

            try (PahoClients again = PahoClients.connect(a.url(), "split-c")) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (onC.client().isConnected() && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                assertFalse(
                        onC.client().isConnected(),
                        () -> "the client id stays unique across the merged cluster" + logsSinceFreeze(fromA, fromC));
                assertTrue(again.client().isConnected());
            }
        }
    }

    /** Nodes A's and C's output since the given lines, for a failure of the split test. */
    private static String logsSinceFreeze(int fromA, int fromC) {
        return "\n--- node A since the freeze:\n" + a.process.outputFrom(fromA) + "\n--- node C since the freeze:\n"
                + c.process.outputFrom(fromC);
    }

    /**
     * Publishes QoS 0 messages on {@code topic} until {@code subscriber} receives one (the routes
     * of a merged node arrive shortly after the membership change); bounded to 60 tries of 500 ms.
     */
    private static PahoClients.Received publishUntilReceived(
            PahoClients publisher, String topic, PahoClients subscriber) throws Exception {
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
