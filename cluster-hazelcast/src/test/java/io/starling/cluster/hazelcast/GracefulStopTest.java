package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.PahoClients;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node stopped cleanly (SIGTERM, as in a rolling restart) while messages flow hands its
 * persistent sessions to the other nodes before it leaves: an offline subscriber whose messages
 * it held and a connected one both find their sessions elsewhere with every acknowledged
 * message, in order, without waiting for the node to come back. Before, their messages stayed
 * in the stopped node's store until it restarted, and then came after newer ones (found by the
 * randomized fault run's rolling restart).
 */
class GracefulStopTest {

    @TempDir
    Path dir;

    @Test
    void aNodeStoppedCleanlyHandsItsSessionsOverWithTheirMessages() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.startWithMapDb(dir, 3)) {
            ClusterProcesses.Node stopping = cluster.node(0);
            MqttConnectOptions persistent = new MqttConnectOptions();
            persistent.setCleanSession(false);
            try (PahoClients offline = PahoClients.connect(stopping.url(), "sleeper", persistent)) {
                offline.client().subscribe("root/#", 1);
                offline.client().disconnect();
            }
            // The connected subscriber goes on with the same client object, on the next node in its list.
            MqttConnectOptions failover = new MqttConnectOptions();
            failover.setCleanSession(false);
            failover.setServerURIs(new String[] {stopping.url(), cluster.node(1).url()});
            try (PahoClients watcher = PahoClients.connect(stopping.url(), "watcher", failover);
                    PacedPublisher publisher =
                            new PacedPublisher(cluster.node(2).url(), "p")) {
                watcher.client().subscribe("root/#", 1);
                publisher.awaitAcknowledged(100);
                stopping.process.terminate();
                assertEquals(0, stopping.process.awaitExit(60_000), "stopped cleanly");
                reconnect(watcher, failover);
                publisher.awaitAcknowledged(publisher.acknowledged() + 100);
                publisher.stop();
                try (PahoClients sleeper = PahoClients.connect(cluster.node(1).url(), "sleeper", persistent)) {
                    assertTrue(sleeper.client().isConnected());
                    NumberedDeliveries.assertEveryAcknowledgedInOrder(sleeper, List.of(publisher));
                }
                NumberedDeliveries.assertEveryAcknowledgedInOrder(watcher, List.of(publisher));
            }
        }
    }

    /** Connects the client again once it has noticed its connection closed (bounded). */
    private static void reconnect(PahoClients client, MqttConnectOptions options) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!client.client().isConnected()) {
            try {
                client.client().connect(options);
            } catch (MqttException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not reconnect within 30 s", e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }
}
