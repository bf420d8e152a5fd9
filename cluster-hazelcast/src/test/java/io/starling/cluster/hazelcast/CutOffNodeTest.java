package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.RawMqttClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code min-cluster-size} on three nodes, each in a JVM of its own on 127.0.0.1: node C, frozen
 * past the member timeout, wakes up alone and below the minimum of 2. It sends its clients away
 * at once (a client that stayed could publish what the larger side, which continued the
 * sessions, never learns of), refuses connections while cut off and while merging back, and
 * serves again once it has merged and released what the other side continued.
 */
class CutOffNodeTest {

    private static final String CUT_OFF = "fewer than min-cluster-size 2";

    @TempDir
    Path dir;

    @Test
    void aNodeCutOffBelowTheMinimumSendsItsClientsAwayAndServesAgainOnceMerged() throws Exception {
        try (ClusterProcesses cluster =
                ClusterProcesses.start(dir, 3, "starling.cluster.hazelcast.min-cluster-size = 2")) {
            ClusterProcesses.Node a = cluster.node(0);
            ClusterProcesses.Node c = cluster.node(2);
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
                cutOff = c.process.awaitLine(CUT_OFF, fromC, 30_000);
                assertTrue(onC.isClosedByServer(), "the cut-off node's client is sent away (keep alive 600 s)");
            }
            c.process.awaitLine("Merged back into the cluster; serving clients again.", cutOff, 90_000);
            try (RawMqttClient again = new RawMqttClient(c.mqttPort)) {
                assertEquals(0, again.connect("cut-off", true, 60), "it serves again once merged");
            }
        }
    }
}
