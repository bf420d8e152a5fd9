package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code min-cluster-size} on three nodes, each in a JVM of its own on 127.0.0.1: node C, frozen
 * past the member timeout, wakes up alone and below the minimum of 2. It sends its clients away
 * at once (a client that stayed could publish what the larger side, which continued the
 * sessions, never learns of), refuses connections while cut off and while merging back, and
 * serves again once it has merged and released what the other side continued, with the routes
 * of the nodes it had counted lost.
 */
class CutOffNodeTest {

    private static final String TAKEOVER_ENDED = "counted lost, is back in the cluster: its routes stay";

    @TempDir
    Path dir;

    @Test
    void aNodeCutOffBelowTheMinimumSendsItsClientsAwayAndServesAgainOnceMerged() throws Exception {
        try (ClusterProcesses cluster =
                        ClusterProcesses.start(dir, 3, "starling.cluster.hazelcast.min-cluster-size = 2");
                RawMqttClient onA = new RawMqttClient(cluster.node(0).mqttPort, 60_000)) {
            ClusterProcesses.Node a = cluster.node(0);
            ClusterProcesses.Node c = cluster.node(2);
            assertEquals(0, onA.connect("on-a", true, 600));
            onA.send(RawMqttClient.subscribePacket(1, "after/#", 1));
            onA.expect(RawMqttClient.SUBACK);
            int cutOff;
            try (RawMqttClient onC = new RawMqttClient(c.mqttPort, 60_000)) {
                assertEquals(0, onC.connect("cut-off", true, 600));
                int fromA = a.process.lineCount();
                int fromC = c.process.lineCount();
                c.process.pause();
                try {
                    a.process.awaitLine("left; its routes lead", fromA, 30_000);
                } finally {
                    c.process.resume();
                }
                cutOff = c.process.awaitLine("fewer than min-cluster-size 2", fromC, 30_000);
                assertTrue(onC.isClosedByServer(), "the cut-off node's client is sent away (keep alive 600 s)");
            }
            c.process.awaitLine("Merged back into the cluster; serving clients again.", cutOff, 90_000);
            // Cut off, C counted A and B lost and could not take their sessions over; each of those
            // takeovers ends after the merge, and must leave the routes the new channels brought.
            int first = c.process.awaitLine(TAKEOVER_ENDED, cutOff, 60_000);
            c.process.awaitLine(TAKEOVER_ENDED, first + 1, 60_000);
            try (RawMqttClient again = new RawMqttClient(c.mqttPort)) {
                assertEquals(0, again.connect("cut-off", true, 60), "it serves again once merged");
                again.send(RawMqttClient.publishPacket("after/merge", 1, 1, "from C"));
                again.expect(RawMqttClient.PUBACK);
            }
            RawMqttClient.Packet delivered = onA.expect(RawMqttClient.PUBLISH);
            assertTrue(
                    new String(delivered.body(), StandardCharsets.UTF_8).endsWith("from C"),
                    "C's publish reaches A's subscriber, subscribed before the split");
        }
    }
}
