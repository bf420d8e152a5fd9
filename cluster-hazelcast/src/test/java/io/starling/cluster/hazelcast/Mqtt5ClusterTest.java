package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EveryProperty;
import io.starling.testing.Paho5Client;
import io.starling.testing.WallClock;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 across a cluster of three nodes (each the real Main in its own JVM, Hazelcast on
 * loopback), with Paho's MQTT 5 client: properties and Subscription Identifiers of messages
 * forwarded between nodes, identifiers and No Local kept by a session that moves to another
 * node, retained messages' properties on every node, Retain As Published across nodes (also for
 * a queued message that moves with its session), a
 * delayed will cancelled by a reconnect on another node and published by a Clean Start there, and a session's expiry continued by
 * the node that takes a lost node's sessions over. That a message is not
 * sent is shown by a later marker arriving first: a node sends to one client in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Mqtt5ClusterTest {

    private static final long HOUR = 3600;

    @TempDir
    static Path dir;

    private static ClusterProcesses cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterProcesses.startWithMapDb(dir, 3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void propertiesAndSubscriptionIdentifiersCrossNodesAndMoveWithTheSession() throws Exception {
        try (Paho5Client publisher = new Paho5Client(cluster.node(1).url(), "c5-pub")) {
            publisher.connect(true, 0);
            try (Paho5Client subscriber = new Paho5Client(cluster.node(0).url(), "c5-sub")) {
                assertFalse(subscriber.connect(true, HOUR));
                subscribe(subscriber, "props/#", 7, false);
                subscribe(subscriber, "props/+", 9, false);
                subscribe(subscriber, "own/+", 0, true, false);
                subscribe(subscriber, "own/marker", 0, false, false);

                publisher.publish("props/a", EveryProperty.message("forwarded", HOUR, false));

                assertForwarded(subscriber.next(), "forwarded");
                subscriber.disconnect();
            }
            // The session moves to node 2 with its subscriptions' identifiers and options.
            try (Paho5Client subscriber = new Paho5Client(cluster.node(2).url(), "c5-sub")) {
                assertTrue(subscriber.connect(false, HOUR), "the session moved");
                publisher.publish("props/b", EveryProperty.message("after the move", HOUR, false));
                assertForwarded(subscriber.next(), "after the move");

                subscriber.publish("own/t", EveryProperty.qos1("own message"));
                subscriber.publish("own/marker", EveryProperty.qos1("marker"));
                assertEquals("own/marker", subscriber.next().topic(), "No Local kept [MQTT-3.8.3-3]");
                subscriber.disconnect();
            }
        }
    }

    private static void assertForwarded(Paho5Client.Received received, String payload) {
        assertTrue(received.topic().startsWith("props/"), received.topic());
        EveryProperty.assertKept(received.message(), payload, HOUR);
        assertEquals(
                List.of(7, 9),
                received.message().getProperties().getSubscriptionIdentifiers().stream()
                        .sorted()
                        .toList(),
                "one PUBLISH with every matching identifier [MQTT-3.3.4-4]");
    }

    @Test
    void retainedPropertiesAndRetainAsPublishedCrossNodes() throws Exception {
        try (Paho5Client asPublished = new Paho5Client(cluster.node(0).url(), "c5-rap");
                Paho5Client publisher = new Paho5Client(cluster.node(1).url(), "c5-rpub")) {
            asPublished.connect(true, 0);
            subscribe(asPublished, "kept/#", 0, true);
            publisher.connect(true, 0);

            publisher.publish("kept/r", EveryProperty.message("retained", HOUR, true));

            Paho5Client.Received live = asPublished.next();
            assertTrue(live.message().isRetained(), "Retain As Published on another node [MQTT-3.3.1-12]");
            EveryProperty.assertKept(live.message(), "retained", HOUR);
        }
        try (Paho5Client late = new Paho5Client(cluster.node(2).url(), "c5-late")) {
            late.connect(true, 0);
            late.subscribe("kept/r", 1);
            Paho5Client.Received retained = late.next();
            assertTrue(retained.message().isRetained());
            EveryProperty.assertKept(retained.message(), "retained", HOUR);
        }
    }

    @Test
    void retainAsPublishedHoldsForAQueuedMessageThatMovesWithTheSession() throws Exception {
        try (Paho5Client publisher = new Paho5Client(cluster.node(1).url(), "c5-rmpub")) {
            publisher.connect(true, 0);
            try (Paho5Client subscriber = new Paho5Client(cluster.node(0).url(), "c5-rmsub")) {
                assertFalse(subscriber.connect(true, HOUR));
                subscribe(subscriber, "moved/kept", 0, true);
                subscribe(subscriber, "moved/plain", 0, false);
                subscriber.disconnect();
            }
            // Queued on node 0 for the offline session (the forward is stored before PUBACK).
            publisher.publish("moved/kept", EveryProperty.message("kept", HOUR, true));
            publisher.publish("moved/plain", EveryProperty.message("plain", HOUR, true));
        }
        try (Paho5Client subscriber = new Paho5Client(cluster.node(2).url(), "c5-rmsub")) {
            assertTrue(subscriber.connect(false, HOUR), "the session moved");
            Paho5Client.Received kept = subscriber.next();
            assertEquals("moved/kept", kept.topic());
            assertTrue(kept.message().isRetained(), "Retain As Published after a hand-over [MQTT-3.3.1-12]");
            Paho5Client.Received plain = subscriber.next();
            assertEquals("moved/plain", plain.topic());
            assertFalse(plain.message().isRetained(), "[MQTT-3.3.1-13]");
            subscriber.disconnect();
        }
    }

    @Test
    void aReconnectOnAnotherNodeCancelsTheDelayedWill() throws Exception {
        long willDelaySeconds = 4;
        try (Paho5Client watcher = new Paho5Client(cluster.node(2).url(), "c5-watcher");
                Paho5Client marker = new Paho5Client(cluster.node(0).url(), "c5-marker")) {
            watcher.connect(true, 0);
            watcher.subscribe("will/#", 1);
            marker.connect(true, 0);
            long dropped;
            try (Paho5Client willing = new Paho5Client(cluster.node(0).url(), "c5-willing")) {
                willing.connect(Paho5Client.optionsWithDelayedWill(true, HOUR, "will/c5-willing", willDelaySeconds));
                willing.drop();
                dropped = System.currentTimeMillis();
            }
            try (Paho5Client back = new Paho5Client(cluster.node(1).url(), "c5-willing")) {
                assertTrue(back.connect(false, HOUR), "the session continues on the other node");
                // The will would have been published on node 0 by now (a second of margin).
                WallClock.awaitPast(dropped + willDelaySeconds * 1000 + 1000);
                marker.publish("will/marker", EveryProperty.qos1("marker"));
                assertEquals("will/marker", watcher.next().topic(), "no will [MQTT-3.1.3-9]");
                back.disconnect();
            }
        }
    }

    @Test
    void aCleanStartOnAnotherNodePublishesTheDelayedWill() throws Exception {
        try (Paho5Client watcher = new Paho5Client(cluster.node(2).url(), "c5-fresh-watcher")) {
            watcher.connect(true, 0);
            watcher.subscribe("will/#", 1);
            try (Paho5Client willing = new Paho5Client(cluster.node(0).url(), "c5-fresh")) {
                // Longer than the test: only the end of the session publishes it meanwhile.
                willing.connect(Paho5Client.optionsWithDelayedWill(true, HOUR, "will/c5-fresh", HOUR));
                willing.drop();
            }
            try (Paho5Client fresh = new Paho5Client(cluster.node(1).url(), "c5-fresh")) {
                assertFalse(fresh.connect(true, HOUR), "a new session");
                Paho5Client.Received will = watcher.next();
                assertEquals("will/c5-fresh", will.topic(), "the old session ended: its will is sent [MQTT-3.1.2-5]");
                fresh.disconnect();
            }
        }
    }

    @Test
    @Order(Integer.MAX_VALUE) // Kills node 2, which the others use.
    void aLostNodesOfflineSessionExpiresWhereItContinues() throws Exception {
        long shortSeconds = 3;
        long offlineSince;
        try (Paho5Client shortLived = new Paho5Client(cluster.node(2).url(), "c5-short");
                Paho5Client longLived = new Paho5Client(cluster.node(2).url(), "c5-long")) {
            assertFalse(longLived.connect(true, HOUR));
            longLived.subscribe("expiry/#", 1);
            longLived.disconnect();
            assertFalse(shortLived.connect(true, shortSeconds));
            shortLived.subscribe("expiry/#", 1);
            shortLived.disconnect();
            offlineSince = System.currentTimeMillis();
        }
        int linesBefore = cluster.node(0).process.lineCount();
        cluster.node(2).process.kill();
        cluster.node(0).awaitMembers(2, linesBefore);
        try (Paho5Client longLived = new Paho5Client(cluster.node(1).url(), "c5-long")) {
            assertTrue(longLived.connect(false, HOUR), "a long session of the lost node continues");
            longLived.disconnect();
        }
        // Past its deadline (a second of margin for the lost node's clock having started it later).
        WallClock.awaitPast(offlineSince + shortSeconds * 1000 + 1000);
        try (Paho5Client shortLived = new Paho5Client(cluster.node(0).url(), "c5-short")) {
            assertFalse(shortLived.connect(false, HOUR), "the lost node's expired session is gone");
            shortLived.disconnect();
        }
    }

    private static void subscribe(Paho5Client client, String filter, int identifier, boolean retainAsPublished)
            throws Exception {
        subscribe(client, filter, identifier, false, retainAsPublished);
    }

    private static void subscribe(
            Paho5Client client, String filter, int identifier, boolean noLocal, boolean retainAsPublished)
            throws Exception {
        MqttSubscription subscription = new MqttSubscription(filter, 1);
        subscription.setNoLocal(noLocal);
        subscription.setRetainAsPublished(retainAsPublished);
        MqttProperties properties = new MqttProperties();
        if (identifier > 0) {
            properties.setSubscriptionIdentifier(identifier);
        }
        client.subscribe(subscription, properties);
    }
}
