package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.RawMqttClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients whose persistent sessions were on a node that is killed reconnect to another node with
 * a clean session: their old sessions end cluster-wide with the claim, whether it was made
 * before the survivors noticed the loss or after. When the node they reconnected to is killed
 * too, a persistent reconnect finds no session (a record of the first lost node left behind
 * would be continued: its subscriptions back, session-present 1). A client that reconnected
 * with its session meanwhile keeps it through both losses (the second loss once the cluster's
 * records have their backups again, {@code starling_cluster_safe}).
 */
class CleanStartAfterNodeLossTest {

    private static final int CLIENTS = 6;

    @TempDir
    Path dir;

    @Test
    void aCleanReconnectEndsTheSessionOfTheLostNode() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3)) {
            ClusterProcesses.Node a = cluster.node(0);
            ClusterProcesses.Node b = cluster.node(1);
            ClusterProcesses.Node c = cluster.node(2);
            List<String> early = new ArrayList<>();
            List<String> late = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                early.add("early-" + i);
                late.add("late-" + i);
            }
            for (String clientId : Stream.concat(Stream.concat(early.stream(), late.stream()), Stream.of("kept"))
                    .toList()) {
                persistentSessionOn(c, clientId);
            }
            int fromA = a.process.lineCount();
            int fromB = b.process.lineCount();
            List<RawMqttClient> earlyOnB = new ArrayList<>();
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    earlyOnB.add(new RawMqttClient(b.mqttPort, 30_000));
                }
                c.process.kill();
                // At once, while B may still ask the dead node to hand the sessions over.
                for (int i = 0; i < CLIENTS; i++) {
                    earlyOnB.get(i).send(RawMqttClient.connectPacket(early.get(i), true, 60));
                }
                assertTrue(c.process.awaitExit(30_000) != 0, "C killed");
                for (int i = 0; i < CLIENTS; i++) {
                    assertEquals(0, connackFlags(earlyOnB.get(i)), early.get(i) + ": a new session");
                }
            } finally {
                for (RawMqttClient client : earlyOnB) {
                    client.close();
                }
            }
            a.process.awaitLine("left; its routes lead", fromA, 30_000);
            b.process.awaitLine("left; its routes lead", fromB, 30_000);
            for (String clientId : late) {
                try (RawMqttClient client = new RawMqttClient(b.mqttPort, 30_000)) {
                    assertEquals(0, client.connect(clientId, true, 60), clientId);
                }
            }
            try (RawMqttClient client = new RawMqttClient(b.mqttPort, 30_000)) {
                client.send(RawMqttClient.connectPacket("kept", false, 60));
                assertEquals(1, connackFlags(client), "kept: its session continues on B");
            }
            ClusterProcesses.awaitLineOnEither(a, b, "Took over lost node", fromA, fromB);

            // The session of every client is settled now: kill the node the clean ones went to, once
            // the cluster's records have their backups again (two members lost within that window
            // lose records, as Hazelcast with one backup does; docs/CLUSTER.md, "Failures").
            a.awaitClusterSafe();
            int beforeSecondLoss = a.process.lineCount();
            b.process.kill();
            assertTrue(b.process.awaitExit(30_000) != 0, "B killed");
            a.process.awaitLine("left; its routes lead", beforeSecondLoss, 30_000);
            for (String clientId : Stream.concat(early.stream(), late.stream()).toList()) {
                try (RawMqttClient client = new RawMqttClient(a.mqttPort, 30_000)) {
                    client.send(RawMqttClient.connectPacket(clientId, false, 60));
                    assertEquals(0, connackFlags(client), clientId + ": its session on C ended with the clean one");
                }
            }
            try (RawMqttClient client = new RawMqttClient(a.mqttPort, 30_000)) {
                client.send(RawMqttClient.connectPacket("kept", false, 60));
                assertEquals(1, connackFlags(client), "kept: its session continues on A");
            }
        }
    }

    private static void persistentSessionOn(ClusterProcesses.Node node, String clientId) throws Exception {
        try (RawMqttClient client = new RawMqttClient(node.mqttPort)) {
            assertEquals(0, client.connect(clientId, false, 60));
            client.send(RawMqttClient.subscribePacket(1, "old/" + clientId, 1));
            client.expect(RawMqttClient.SUBACK);
            client.send(RawMqttClient.disconnect());
            assertTrue(client.isClosedByServer());
        }
    }

    /** The CONNACK's session-present flag; fails unless the connect was accepted. */
    private static int connackFlags(RawMqttClient client) throws Exception {
        byte[] body = client.expect(RawMqttClient.CONNACK).body();
        assertEquals(0, body[1], "accepted");
        return body[0];
    }
}
