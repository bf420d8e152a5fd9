package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.testing.PahoClients;
import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A QoS 2 publisher whose node dies after routing its message, before the PUBREC reached it,
 * sends the PUBLISH again (DUP, same packet id) to the node where its session continues: that
 * node takes it as the message already routed, so the subscriber gets it once. Before, the
 * publisher's QoS 2 packet ids were the lost node's own state and the resend was routed again.
 */
class LostQos2PublisherTest {

    @TempDir
    Path dir;

    @Test
    void aResentQos2PublishIsNotRoutedAgainWhereThePublishersSessionContinues() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 2)) {
            ClusterProcesses.Node doomed = cluster.node(0);
            ClusterProcesses.Node survivor = cluster.node(1);
            try (PahoClients subscriber = PahoClients.connect(survivor.url(), "exactly")) {
                subscriber.client().subscribe("once/#", 2);
                try (RawMqttClient publisher = new RawMqttClient(doomed.mqttPort)) {
                    assertEquals(0, publisher.connect("qos2-pub", false, 60));
                    publisher.send(RawMqttClient.publishPacket("once/a", 2, 7, bytes("first"), false, false));
                    // Routed and acknowledged; the test plays a PUBREC lost with the node.
                    publisher.expect(RawMqttClient.PUBREC);
                }
                assertEquals("first", subscriber.next().text());
                int fromLine = survivor.process.lineCount();
                doomed.process.kill();
                survivor.process.awaitLine("left; its routes lead", fromLine, 30_000);
                try (RawMqttClient publisher = new RawMqttClient(survivor.mqttPort)) {
                    publisher.send(RawMqttClient.connectPacket("qos2-pub", false, 60));
                    assertEquals(1, publisher.expect(RawMqttClient.CONNACK).body()[0], "its session continues");
                    publisher.send(RawMqttClient.publishPacket("once/a", 2, 7, bytes("first"), true, false));
                    assertEquals(7, publisher.expect(RawMqttClient.PUBREC).packetId());
                    publisher.send(RawMqttClient.ackPacket(RawMqttClient.PUBREL, 7));
                    assertEquals(7, publisher.expect(RawMqttClient.PUBCOMP).packetId());
                    // Routed after a second copy would have been: the next message is the marker.
                    publisher.send(RawMqttClient.publishPacket("once/a", 2, 8, bytes("second"), false, false));
                    publisher.expect(RawMqttClient.PUBREC);
                    publisher.send(RawMqttClient.ackPacket(RawMqttClient.PUBREL, 8));
                    publisher.expect(RawMqttClient.PUBCOMP);
                }
                assertEquals("second", subscriber.next().text(), "the resent PUBLISH was not routed a second time");
            }
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
