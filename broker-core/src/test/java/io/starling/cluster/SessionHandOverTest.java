package io.starling.cluster;

import static io.starling.testing.RawMqttClient.PUBLISH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.Storage;
import io.starling.storage.memory.InMemoryStorageProvider;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.NumberedPayloads;
import io.starling.testing.PahoClients;
import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The core's side of clustering, with two brokers whose buses call each other directly. */
class SessionHandOverTest {

    private EmbeddedBroker nodeA;
    private EmbeddedBroker nodeB;
    private Storage storageB;

    @BeforeEach
    void start() throws Exception {
        PairedClusterBus busA = new PairedClusterBus();
        PairedClusterBus busB = new PairedClusterBus();
        nodeA = EmbeddedBroker.start(InMemoryStorageProvider.newStorage(), busA, List.of(), List.of());
        storageB = InMemoryStorageProvider.newStorage();
        nodeB = EmbeddedBroker.start(storageB, busB, List.of(), List.of());
        busA.pairWith(nodeB.broker());
        busB.pairWith(nodeA.broker());
    }

    @AfterEach
    void stop() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void persistentSessionMovesWithItsQueueToTheNodeTheClientReconnectsTo() throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(nodeA.port())) {
            assertEquals(0, subscriber.connect("mover", false, 60));
            subscriber.send(RawMqttClient.subscribePacket(1, "move/#", 1));
            subscriber.expect(RawMqttClient.SUBACK);
            subscriber.send(RawMqttClient.disconnect());
            assertTrue(subscriber.isClosedByServer());
        }
        try (PahoClients publisher = PahoClients.connect(nodeA.url(), "publisher-a")) {
            for (int i = 1; i <= 3; i++) {
                publisher.client().publish("move/x", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
        }
        try (RawMqttClient subscriber = new RawMqttClient(nodeB.port())) {
            subscriber.send(RawMqttClient.connectPacket("mover", false, 60));
            RawMqttClient.Packet connack = subscriber.expect(RawMqttClient.CONNACK);
            assertEquals(1, connack.body()[0], "session-present on the new node");
            for (int i = 1; i <= 3; i++) {
                RawMqttClient.Packet publish = subscriber.expect(PUBLISH);
                assertTrue(new String(publish.body(), StandardCharsets.UTF_8).endsWith("m" + i));
                subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, packetIdOf(publish)));
            }
            try (PahoClients publisher = PahoClients.connect(nodeA.url(), "publisher-a2")) {
                publisher.client().publish("move/y", "live".getBytes(StandardCharsets.UTF_8), 1, false);
            }
            RawMqttClient.Packet live = subscriber.expect(PUBLISH);
            assertTrue(new String(live.body(), StandardCharsets.UTF_8).endsWith("live"), "forwarded from node A");
        }
    }

    @Test
    void qos0QueuedBehindAFullSocketMovesWithTheSessionAndIsNotKeptInTheStoreOnceSent() throws Exception {
        // 6 MB of QoS 0 for a client that does not read: most of it waits in its queue on node A.
        int messages = 1500;
        try (RawMqttClient stalled = new RawMqttClient(nodeA.port(), 10_000, 4096);
                RawMqttClient publisher = new RawMqttClient(nodeA.port())) {
            assertEquals(0, stalled.connect("mover0", false, 60));
            stalled.send(RawMqttClient.subscribePacket(1, "burst", 0));
            stalled.expect(RawMqttClient.SUBACK);
            assertEquals(0, publisher.connect("burster", true, 60));
            for (int i = 0; i < messages; i++) {
                publisher.send(RawMqttClient.publishPacket("burst", 0, 0, NumberedPayloads.of(i, 4096)));
            }
            // A publisher's messages are routed in order: once this one is acknowledged, the burst was handed to the
            // session.
            publisher.send(RawMqttClient.publishPacket("other", 1, 1, "sentinel"));
            publisher.expect(RawMqttClient.PUBACK);

            try (RawMqttClient moved = new RawMqttClient(nodeB.port(), 10_000)) {
                moved.send(RawMqttClient.connectPacket("mover0", false, 60));
                assertEquals(1, moved.expect(RawMqttClient.CONNACK).body()[0], "session-present on the new node");
                int previous = -1;
                while (previous < messages - 1) {
                    String payload = new String(moved.expect(PUBLISH).body(), StandardCharsets.UTF_8);
                    int number = Integer.parseInt(payload.substring(payload.length() - 4096, payload.length() - 4090));
                    assertTrue(number > previous, "in order: " + number + " after " + previous);
                    previous = number;
                }
                // Node B's session flushes a batch only after it sent and forgot its messages.
                assertEquals(0, storageB.queues().load("mover0").size(), "QoS 0 sent is not kept in the store");
            }
        }
    }

    @Test
    void claimingTheIdOnAnotherNodeClosesTheConnectionHere() throws Exception {
        try (RawMqttClient first = new RawMqttClient(nodeA.port());
                RawMqttClient second = new RawMqttClient(nodeB.port())) {
            assertEquals(0, first.connect("roamer", true, 60));
            assertEquals(0, second.connect("roamer", true, 60));
            assertTrue(first.isClosedByServer());
            second.send(RawMqttClient.pingreq());
            second.expect(RawMqttClient.PINGRESP);
        }
    }

    @Test
    void retainedMessagesAreSeenOnBothNodes() throws Exception {
        try (PahoClients publisher = PahoClients.connect(nodeA.url(), "retainer")) {
            publisher.client().publish("status/a", "up".getBytes(StandardCharsets.UTF_8), 1, true);
        }
        MqttConnectOptions options = new MqttConnectOptions();
        try (PahoClients reader = PahoClients.connect(nodeB.url(), "reader", options)) {
            reader.client().subscribe("status/#", 1);
            PahoClients.Received retained = reader.next();
            assertEquals("up", retained.text());
            assertTrue(retained.message().isRetained());
        }
        try (PahoClients publisher = PahoClients.connect(nodeA.url(), "clearer")) {
            publisher.client().publish("status/a", new byte[0], 1, true);
        }
        try (PahoClients reader = PahoClients.connect(nodeB.url(), "reader2")) {
            reader.client().subscribe("status/#", 1);
            assertFalse(reader.poll(300) != null, "the retained message was deleted on both nodes");
        }
    }

    private static int packetIdOf(RawMqttClient.Packet publish) {
        int topicLength = ((publish.body()[0] & 0xFF) << 8) | (publish.body()[1] & 0xFF);
        int index = 2 + topicLength;
        return ((publish.body()[index] & 0xFF) << 8) | (publish.body()[index + 1] & 0xFF);
    }
}
