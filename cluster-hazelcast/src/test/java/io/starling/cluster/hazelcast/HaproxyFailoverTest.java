package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.PahoClients;
import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes behind a real HAProxy: clients only know HAProxy's address. When the node a
 * client was connected to is killed, the client reconnects through HAProxy to the other node
 * and finds its session (subscriptions) there.
 */
class HaproxyFailoverTest {

    @TempDir
    Path dir;

    @Test
    void clientsReconnectThroughTheBalancerToASurvivorAndFindTheirSession() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 2);
             Haproxy haproxy = Haproxy.start(dir, List.of(cluster.node(0).mqttPort, cluster.node(1).mqttPort))) {
            try (RawMqttClient subscriber = new RawMqttClient(haproxy.port)) {
                assertEquals(0, subscriber.connect("ha-sub", false, 60));
                subscriber.send(RawMqttClient.subscribePacket(1, "ha/#", 1));
                subscriber.expect(RawMqttClient.SUBACK);
                publishThroughBalancer(haproxy, "ha/before", "before");
                assertTrue(text(subscriber.expect(RawMqttClient.PUBLISH)).endsWith("before"));

                ClusterProcesses.Node home = nodeOf(cluster, "ha-sub");
                ClusterProcesses.Node survivor = home == cluster.node(0) ? cluster.node(1) : cluster.node(0);
                int from = survivor.process.lineCount();
                home.process.kill();
                survivor.process.awaitLine("left; dropped its", from, 30_000);
                assertTrue(subscriber.isClosedByServer(), "the killed node's connections end");
            }
            try (RawMqttClient subscriber = new RawMqttClient(haproxy.port)) {
                subscriber.send(RawMqttClient.connectPacket("ha-sub", false, 60));
                RawMqttClient.Packet connack = subscriber.expect(RawMqttClient.CONNACK);
                assertEquals(0, connack.body()[1], "accepted");
                assertEquals(1, connack.body()[0], "session-present: the session continues on the survivor");
                publishThroughBalancer(haproxy, "ha/after", "after");
                RawMqttClient.Packet publish = subscriber.expect(RawMqttClient.PUBLISH);
                assertTrue(text(publish).endsWith("after"), "its subscription came along");
            }
        }
    }

    private static void publishThroughBalancer(Haproxy haproxy, String topic, String payload) throws Exception {
        try (PahoClients publisher = PahoClients.connect("tcp://127.0.0.1:" + haproxy.port, "ha-pub-" + payload)) {
            publisher.client().publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        }
    }

    private static String text(RawMqttClient.Packet packet) {
        return new String(packet.body(), StandardCharsets.UTF_8);
    }

    /** The node whose log shows the client's connection. */
    private static ClusterProcesses.Node nodeOf(ClusterProcesses cluster, String clientId) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            for (ClusterProcesses.Node node : cluster.nodes) {
                if (node.process.output().contains(" as " + clientId + " (")) {
                    return node;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        throw new AssertionError("no node logged the connection of " + clientId);
    }
}
