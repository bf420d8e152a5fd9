package io.starling.cluster.hazelcast;

import static io.starling.cluster.hazelcast.RestartedNodeTest.bytes;
import static io.starling.cluster.hazelcast.RestartedNodeTest.packetIdOf;
import static io.starling.cluster.hazelcast.RestartedNodeTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.PahoClients;
import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node killed (SIGKILL) while it holds a persistent session's queue: the session continues on
 * the other node at once with every message the killed node acknowledged, from the cluster's copy
 * of the queue, in order and before what was published after the kill; a QoS 2 message the
 * client had received goes on with its own packet id (PUBREL once PUBREC came, else the PUBLISH
 * again, DUP=1), so the client never takes it for a second message. When the killed node
 * returns it drops its stored copy: nothing arrives twice. (With the copy turned off the killed
 * node hands its messages over when it returns: {@link RestartedNodeTest}.)
 */
class KilledNodeQueueTest {

    @TempDir
    Path dir;

    @Test
    void aKilledNodesSessionContinuesElsewhereWithItsWholeQueue() throws Exception {
        try (ClusterProcesses cluster =
                ClusterProcesses.startWithMapDb(dir, 2, "starling.cluster.hazelcast.replicate-queues = true")) {
            ClusterProcesses.Node a = cluster.node(0);
            ClusterProcesses.Node b = cluster.node(1);
            int releasedId;
            int sentId;
            try (RawMqttClient subscriber = new RawMqttClient(a.mqttPort);
                    PahoClients publisher = PahoClients.connect(b.url(), "kept-pub")) {
                assertEquals(0, subscriber.connect("keeper", false, 60));
                subscriber.send(RawMqttClient.subscribePacket(1, "kept/#", 1, "exact/#", 2));
                subscriber.expect(RawMqttClient.SUBACK);
                publisher.client().publish("exact/released", bytes("released"), 2, false);
                releasedId = packetIdOf(subscriber.expect(RawMqttClient.PUBLISH));
                subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBREC, releasedId));
                subscriber.expect(RawMqttClient.PUBREL);
                publisher.client().publish("exact/sent", bytes("sent"), 2, false);
                sentId = packetIdOf(subscriber.expect(RawMqttClient.PUBLISH));
                subscriber.send(RawMqttClient.disconnect());
                assertTrue(subscriber.isClosedByServer());
                for (int i = 1; i <= 3; i++) {
                    publisher.client().publish("kept/x", bytes("stored" + i), 1, false);
                }
            }
            int fromB = b.process.lineCount();
            a.process.kill();
            b.process.awaitLine("left; its routes lead", fromB, 30_000);
            try (PahoClients publisher = PahoClients.connect(b.url(), "kept-pub")) {
                publisher.client().publish("kept/x", bytes("after the kill"), 1, false);
            }

            try (RawMqttClient subscriber = new RawMqttClient(b.mqttPort)) {
                subscriber.send(RawMqttClient.connectPacket("keeper", false, 60));
                assertEquals(1, subscriber.expect(RawMqttClient.CONNACK).body()[0], "the session continues on B");
                RawMqttClient.Packet release = subscriber.expect(RawMqttClient.PUBREL);
                assertEquals(releasedId, release.packetId(), "B goes on with the QoS 2 exchange A had begun");
                RawMqttClient.Packet again = subscriber.expect(RawMqttClient.PUBLISH);
                assertEquals(sentId, packetIdOf(again), "the QoS 2 message A had sent keeps its packet id");
                assertEquals(0x08, again.flags() & 0x08, "DUP");
                assertTrue(text(again).endsWith("sent"));
                subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBCOMP, releasedId));
                subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBREC, sentId));
                // The PUBREL waits for the copy to record the PUBREC; the queued messages may pass it.
                List<String> queued = new ArrayList<>();
                boolean releasedAgain = false;
                while (!releasedAgain || queued.size() < 4) {
                    RawMqttClient.Packet next = subscriber.read();
                    if (next.type() == RawMqttClient.PUBREL) {
                        assertEquals(sentId, next.packetId());
                        releasedAgain = true;
                        subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBCOMP, sentId));
                    } else {
                        assertEquals(RawMqttClient.PUBLISH, next.type());
                        // Topic kept/x after its length, then the packet id, then the payload (read as
                        // bytes: a packet id's bytes need not be UTF-8).
                        int payloadAt = 2 + "kept/x".length() + 2;
                        queued.add(new String(
                                next.body(), payloadAt, next.body().length - payloadAt, StandardCharsets.UTF_8));
                        subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, packetIdOf(next)));
                    }
                }
                assertEquals(List.of("stored1", "stored2", "stored3", "after the kill"), queued, "in order, once");
                subscriber.send(RawMqttClient.disconnect());
                assertTrue(subscriber.isClosedByServer());
            }

            cluster.launch(a);
            a.mqttPort = a.process.awaitPort(90_000);
            a.process.awaitLine("Dropped the 5 stored message(s) of keeper", 0, 30_000);
            try (RawMqttClient subscriber = new RawMqttClient(a.mqttPort)) {
                subscriber.send(RawMqttClient.connectPacket("keeper", false, 60));
                assertEquals(1, subscriber.expect(RawMqttClient.CONNACK).body()[0], "session-present on A");
                try (PahoClients publisher = PahoClients.connect(b.url(), "kept-pub")) {
                    publisher.client().publish("kept/y", bytes("live"), 1, false);
                }
                RawMqttClient.Packet next = subscriber.expect(RawMqttClient.PUBLISH);
                assertTrue(text(next).endsWith("live"), "nothing queued twice, got " + text(next));
            }
        }
    }
}
