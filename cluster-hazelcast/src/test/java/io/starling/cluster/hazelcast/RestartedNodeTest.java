package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.PahoClients;
import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without the cluster's copy of the queues ({@code replicate-queues = false}): a node killed
 * while it stores messages for an offline persistent session, whose client then continues the
 * session on another node: when the killed node starts again with its store, it hands those
 * messages to the node holding the session and keeps no copy of it. A QoS 2 message the client
 * had received (PUBREC) but not completed goes on with its PUBREL. (With the copy the session
 * has them at once: {@link KilledNodeQueueTest}.)
 */
class RestartedNodeTest {

    @TempDir
    Path dir;

    @Test
    void aRestartedNodeHandsItsStoredMessagesToTheNodeWhereTheSessionContinued() throws Exception {
        try (ClusterProcesses cluster =
                ClusterProcesses.startWithMapDb(dir, 2, "starling.cluster.hazelcast.replicate-queues = false")) {
            ClusterProcesses.Node a = cluster.node(0);
            ClusterProcesses.Node b = cluster.node(1);
            int releasedId;
            try (RawMqttClient subscriber = new RawMqttClient(a.mqttPort)) {
                assertEquals(0, subscriber.connect("returner", false, 60));
                subscriber.send(RawMqttClient.subscribePacket(1, "back/#", 1, "exactly/#", 2));
                subscriber.expect(RawMqttClient.SUBACK);
                try (PahoClients publisher = PahoClients.connect(b.url(), "exactly-pub")) {
                    publisher.client().publish("exactly/once", bytes("held at PUBREL"), 2, false);
                }
                RawMqttClient.Packet publish = subscriber.expect(RawMqttClient.PUBLISH);
                releasedId = packetIdOf(publish);
                subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBREC, releasedId));
                // A client that hands the message over at PUBREL (as Paho does) has not yet when A dies.
                subscriber.expect(RawMqttClient.PUBREL);
                subscriber.send(RawMqttClient.disconnect());
                assertTrue(subscriber.isClosedByServer());
            }
            try (PahoClients publisher = PahoClients.connect(b.url(), "back-pub")) {
                for (int i = 1; i <= 3; i++) {
                    publisher.client().publish("back/x", bytes("stored" + i), 1, false);
                }
            }
            int fromB = b.process.lineCount();
            a.process.kill();
            b.process.awaitLine("left; its routes lead", fromB, 30_000);

            try (RawMqttClient subscriber = new RawMqttClient(b.mqttPort)) {
                subscriber.send(RawMqttClient.connectPacket("returner", false, 60));
                assertEquals(1, subscriber.expect(RawMqttClient.CONNACK).body()[0], "the session continues on B");
                cluster.launch(a);
                a.mqttPort = a.process.awaitPort(90_000);
                RawMqttClient.Packet release = subscriber.expect(RawMqttClient.PUBREL);
                assertEquals(
                        releasedId,
                        ((release.body()[0] & 0xFF) << 8) | (release.body()[1] & 0xFF),
                        "B goes on with the QoS 2 exchange A had begun");
                subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBCOMP, releasedId));
                for (int i = 1; i <= 3; i++) {
                    RawMqttClient.Packet publish = subscriber.expect(RawMqttClient.PUBLISH);
                    assertTrue(text(publish).endsWith("stored" + i), "message " + i + " A had stored reaches B");
                    if (i == 1) {
                        // A leased the ids from its first one on; B starts where that lease ends, so it
                        // never reuses an id A may have left open in the client (docs/CLUSTER.md).
                        assertEquals(
                                (releasedId - 1 + 4096) % 65535 + 1,
                                packetIdOf(publish),
                                "B's first packet id follows A's lease");
                    }
                    subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, packetIdOf(publish)));
                }
                a.process.awaitLine("Handed the 4 stored message(s) of returner", 0, 30_000);
            }
            // A kept no copy: taking the session over on A brings nothing delivered twice.
            try (RawMqttClient subscriber = new RawMqttClient(a.mqttPort)) {
                subscriber.send(RawMqttClient.connectPacket("returner", false, 60));
                assertEquals(1, subscriber.expect(RawMqttClient.CONNACK).body()[0], "session-present on A");
                subscriber.setReadTimeout(500);
                assertTrue(subscriber.isSilent(), "nothing queued twice");
                subscriber.setReadTimeout(10_000);
                try (PahoClients publisher = PahoClients.connect(b.url(), "back-pub")) {
                    publisher.client().publish("back/y", bytes("live"), 1, false);
                }
                assertTrue(text(subscriber.expect(RawMqttClient.PUBLISH)).endsWith("live"));
            }
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(RawMqttClient.Packet packet) {
        return new String(packet.body(), StandardCharsets.UTF_8);
    }

    static int packetIdOf(RawMqttClient.Packet publish) {
        int topicLength = ((publish.body()[0] & 0xFF) << 8) | (publish.body()[1] & 0xFF);
        int index = 2 + topicLength;
        return ((publish.body()[index] & 0xFF) << 8) | (publish.body()[index + 1] & 0xFF);
    }
}
