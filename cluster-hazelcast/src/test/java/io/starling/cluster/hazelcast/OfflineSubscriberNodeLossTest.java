package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.PahoClients;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent subscriber is offline while a node dies, and reconnects to another node while
 * messages for it keep coming (issue 25, found with the shipped example): every message
 * acknowledged to a publisher reaches it, in each publisher's order. Its session
 * moves from a live node to another while the cluster takes the dead node over.
 */
class OfflineSubscriberNodeLossTest {

    private static final int BEFORE_KILL = 40;
    private static final int AFTER_MOVE = 40;

    @TempDir
    Path dir;

    @Test
    void anOfflineSubscriberReconnectingElsewhereDuringANodeLossGetsEveryAcknowledgedMessage() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.startWithMapDb(dir, 3)) {
            MqttConnectOptions persistent = new MqttConnectOptions();
            persistent.setCleanSession(false);
            try (PahoClients subscriber = PahoClients.connect(cluster.node(0).url(), "s4", persistent)) {
                subscriber.client().subscribe("root/#", 1);
                subscriber.client().disconnect();
            }
            PacedPublisher survivor = new PacedPublisher(cluster.node(1).url(), "p1");
            PacedPublisher doomed = new PacedPublisher(cluster.node(2).url(), "p2");
            survivor.awaitAcknowledged(BEFORE_KILL);
            doomed.awaitAcknowledged(BEFORE_KILL);
            cluster.node(2).process.kill();
            // Back at once, on another node than its session's, while the survivors notice the loss.
            try (PahoClients subscriber = PahoClients.connect(cluster.node(1).url(), "s4", persistent)) {
                assertTrue(subscriber.client().isConnected());
                survivor.awaitAcknowledged(survivor.acknowledged() + AFTER_MOVE);
                survivor.stop();
                doomed.stop();
                NumberedDeliveries.assertEveryAcknowledgedInOrder(subscriber, List.of(survivor, doomed));
            }
        }
    }
}
