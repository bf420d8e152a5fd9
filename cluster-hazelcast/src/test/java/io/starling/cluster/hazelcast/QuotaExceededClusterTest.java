package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.flows.RawPublish;
import io.starling.testing.Mqtt5Wire;
import io.starling.testing.QuotaFill;
import io.starling.testing.RawMqttClient;
import io.starling.testing.ScrapedMetrics;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 Quota exceeded in a cluster of two nodes with MapDB. A message whose only subscriber
 * is a full persistent session on the publisher's node gets PUBACK 0x97 there at once; one
 * published on the other node, where nobody takes it, is forwarded, and that node waits for the
 * full session's node to answer that it refused it: PUBACK / PUBREC 0x97 too (a QoS 2 refusal
 * frees its packet id), while a 3.1.1 publisher is acknowledged and the message dropped and
 * counted on the full session's node. A message that also matches a subscriber with room is
 * acknowledged with success and dropped (counted) only for the full session, which then gets
 * exactly what was acknowledged to it, in order. The same holds for a full queue in memory
 * ({@code max-queued-messages}, the in-memory store).
 */
class QuotaExceededClusterTest {

    private static final int QUOTA_EXCEEDED = 0x97;
    private static final int MAX_CLIENT_QUEUE = 64 * 1024;
    private static final int SIZE = 1000;
    /** Bound of the fill loop: far more than fit in the queue limit. */
    private static final int MOST = 10 * MAX_CLIENT_QUEUE / SIZE;

    @TempDir
    Path dir;

    @Test
    void thePublishersNodeAnswersQuotaExceededOnlyWhenNoNodeCouldTakeTheMessage() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.startWithMapDb(
                dir, 2, "starling.storage.mapdb.max-client-queue-size = " + MAX_CLIENT_QUEUE)) {
            ClusterProcesses.Node home = cluster.node(0);
            ClusterProcesses.Node other = cluster.node(1);
            try (RawMqttClient full = new RawMqttClient(home.mqttPort);
                    RawMqttClient roomy = new RawMqttClient(other.mqttPort)) {
                RawPublish.connect(full, "full", false);
                RawPublish.subscribe(full, 1, "q/#", 1);
                RawPublish.connect(roomy, "roomy", false);
                RawPublish.subscribe(roomy, 1, "q/shared", 1);
            }
            List<String> accepted;
            try (RawMqttClient publisher = Mqtt5Wire.connected(home.mqttPort, "pub-home", 0x02, new byte[0])) {
                QuotaFill fill = QuotaFill.untilRefused(publisher, "q/fill", SIZE, MOST);
                accepted = fill.accepted();
                assertEquals(QUOTA_EXCEEDED, fill.reason(), "PUBACK reason on the full session's node");
                assertTrue(accepted.size() > 10, "only " + accepted.size() + " messages fitted");

                // A subscriber on the other node has room: forwarded there, success, dropped for the full one.
                publisher.send(Mqtt5Wire.publish("q/shared", 1, 1, new byte[0], "shared"));
                assertEquals(0, Mqtt5Wire.ackReason(publisher.expect(RawMqttClient.PUBACK)), "shared PUBACK");
            }
            try (RawMqttClient publisher = Mqtt5Wire.connected(other.mqttPort, "pub-other", 0x02, new byte[0])) {
                publisher.send(Mqtt5Wire.publish("q/fill", 1, 1, new byte[0], "from the other node"));
                assertEquals(
                        QUOTA_EXCEEDED,
                        Mqtt5Wire.ackReason(publisher.expect(RawMqttClient.PUBACK)),
                        "PUBACK reason on the other node, where nobody took it either");
                publisher.send(Mqtt5Wire.publish("q/fill", 2, 7, new byte[0], "QoS 2 from the other node"));
                assertEquals(QUOTA_EXCEEDED, Mqtt5Wire.ackReason(publisher.expect(RawMqttClient.PUBREC)), "PUBREC");
                // The refusal ended that exchange: the packet id carries a new message.
                publisher.send(Mqtt5Wire.publish("q/shared", 2, 7, new byte[0], "shared again"));
                assertEquals(0, Mqtt5Wire.ackReason(publisher.expect(RawMqttClient.PUBREC)), "PUBREC of a new message");
                publisher.send(RawMqttClient.ackPacket(RawMqttClient.PUBREL, 7));
                publisher.expect(RawMqttClient.PUBCOMP);
            }
            try (RawMqttClient publisher = new RawMqttClient(other.mqttPort)) {
                RawPublish.connect(publisher, "pub-other-311", true);
                publisher.send(RawMqttClient.publishPacket("q/fill", 1, 1, "from a 3.1.1 publisher"));
                assertEquals(1, publisher.expect(RawMqttClient.PUBACK).packetId(), "3.1.1 publishers are acknowledged");
            }
            ScrapedMetrics homeMetrics = ScrapedMetrics.scrape(home.httpPort);
            assertEquals(1, homeMetrics.value("starling_quota_exceeded_total"));
            // Dropped for the full session on its node: both q/shared, the two forwards refused, the 3.1.1 one.
            assertEquals(5, homeMetrics.value("starling_queue_limit_drops_total{limit=\"client\"}"));
            assertEquals(2, ScrapedMetrics.scrape(other.httpPort).value("starling_quota_exceeded_total"));
            try (RawMqttClient roomy = new RawMqttClient(other.mqttPort)) {
                assertTrue(RawPublish.connect(roomy, "roomy", false));
                assertEquals(List.of("shared", "shared again"), RawPublish.receive(roomy, 2));
            }
            try (RawMqttClient full = new RawMqttClient(home.mqttPort)) {
                assertTrue(RawPublish.connect(full, "full", false));
                assertEquals(accepted, RawPublish.receive(full, accepted.size()), "what was acknowledged, in order");
            }
        }
    }

    @Test
    void aFullQueueInMemoryOnTheOtherNodeRefusesAForwardToo() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 2, "starling.mqtt.max-queued-messages = 3")) {
            ClusterProcesses.Node home = cluster.node(0);
            ClusterProcesses.Node other = cluster.node(1);
            try (RawMqttClient full = new RawMqttClient(home.mqttPort)) {
                RawPublish.connect(full, "full", false);
                RawPublish.subscribe(full, 1, "m/#", 1);
            }
            List<String> accepted;
            try (RawMqttClient publisher = Mqtt5Wire.connected(other.mqttPort, "pub-other", 0x02, new byte[0])) {
                QuotaFill fill = QuotaFill.untilRefused(publisher, "m/fill", SIZE, 10);
                accepted = fill.accepted();
                assertEquals(QUOTA_EXCEEDED, fill.reason(), "PUBACK reason once the queue on the other node is full");
                assertEquals(3, accepted.size());
            }
            assertEquals(1, ScrapedMetrics.scrape(other.httpPort).value("starling_quota_exceeded_total"));
            try (RawMqttClient full = new RawMqttClient(home.mqttPort)) {
                assertTrue(RawPublish.connect(full, "full", false));
                assertEquals(accepted, RawPublish.receive(full, accepted.size()), "what was acknowledged, in order");
                full.setReadTimeout(300);
                assertTrue(full.isSilent(), "nothing more");
            }
        }
    }
}
