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
 * MQTT 5 Quota exceeded in a cluster of two nodes with MapDB: the publisher's node decides. A
 * message whose only subscriber is a full persistent session on the publisher's node gets
 * PUBACK 0x97; a message that also matches a subscriber on the other node, or that is published
 * on the other node, is forwarded (a node with a matching route may have room), acknowledged with
 * success, and dropped and counted where the full session is. The full session then gets exactly
 * what was acknowledged to it, in order.
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
                        0,
                        Mqtt5Wire.ackReason(publisher.expect(RawMqttClient.PUBACK)),
                        "PUBACK reason on the other node");
            }
            ScrapedMetrics homeMetrics = ScrapedMetrics.scrape(home.httpPort);
            assertEquals(1, homeMetrics.value("starling_quota_exceeded_total"));
            assertEquals(2, homeMetrics.value("starling_queue_limit_drops_total{limit=\"client\"}"));
            try (RawMqttClient roomy = new RawMqttClient(other.mqttPort)) {
                assertTrue(RawPublish.connect(roomy, "roomy", false));
                assertEquals(List.of("shared"), RawPublish.receive(roomy, 1));
            }
            try (RawMqttClient full = new RawMqttClient(home.mqttPort)) {
                assertTrue(RawPublish.connect(full, "full", false));
                assertEquals(accepted, RawPublish.receive(full, accepted.size()), "what was acknowledged, in order");
            }
        }
    }
}
