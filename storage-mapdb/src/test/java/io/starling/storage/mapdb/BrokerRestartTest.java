package io.starling.storage.mapdb;

import static io.starling.testing.RawMqttClient.PUBCOMP;
import static io.starling.testing.RawMqttClient.PUBLISH;
import static io.starling.testing.RawMqttClient.PUBREC;
import static io.starling.testing.RawMqttClient.PUBREL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.protocol.mqtt5.PropertyId;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.Mqtt5Wire;
import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole broker on the MapDB store, stopped cleanly and started again on the same files (a shared subscription group's stored queue too). */
class BrokerRestartTest {

    @TempDir
    Path directory;

    private EmbeddedBroker start() throws InterruptedException {
        return MapDbBrokers.embedded(directory);
    }

    @Test
    void anOutboundQos2FlowStoppedAfterPubrecCompletesWithPubrelAfterARestart() throws Exception {
        int packetId;
        try (EmbeddedBroker broker = start()) {
            try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
                assertEquals(0, connect(subscriber, "sub"));
                subscriber.send(RawMqttClient.subscribePacket(1, "t", 2)).expect(RawMqttClient.SUBACK);
            }
            try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
                publisher.connect("pub", true, 60);
                publisher
                        .send(RawMqttClient.publishPacket("t", 2, 5, "exactly once"))
                        .expect(PUBREC);
                publisher.send(RawMqttClient.ackPacket(PUBREL, 5)).expect(PUBCOMP);
            }
            try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
                assertEquals(1, connect(subscriber, "sub"));
                RawMqttClient.Packet publish = subscriber.expect(PUBLISH);
                packetId = publishPacketId(publish);
                subscriber.send(RawMqttClient.ackPacket(PUBREC, packetId)).expect(PUBREL);
                // Gone without PUBCOMP: the broker must remember that only PUBREL is left.
            }
        }
        try (EmbeddedBroker broker = start();
                RawMqttClient subscriber = new RawMqttClient(broker.port(), 500)) {
            assertEquals(1, connect(subscriber, "sub"));
            assertEquals(packetId, subscriber.expect(PUBREL).packetId());
            subscriber.send(RawMqttClient.ackPacket(PUBCOMP, packetId));
            assertTrue(subscriber.isSilent(), "nothing but PUBREL is owed");
        }
        try (EmbeddedBroker broker = start();
                RawMqttClient subscriber = new RawMqttClient(broker.port(), 500)) {
            assertEquals(1, connect(subscriber, "sub"));
            assertTrue(subscriber.isSilent(), "the completed flow is forgotten");
        }
    }

    @Test
    void mqtt5SubscriptionOptionsAndIdentifiersSurviveARestart() throws Exception {
        int qos1NoLocalRetainAsPublished = 0x01 | 0x04 | 0x08;
        try (EmbeddedBroker broker = start();
                RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, connect5(client, "opts"));
            byte[] identifier = Mqtt5Wire.properties()
                    .u8(PropertyId.SUBSCRIPTION_IDENTIFIER.id())
                    .vbi(300)
                    .toArray();
            client.send(Mqtt5Wire.subscribe(1, identifier, "o/t", qos1NoLocalRetainAsPublished))
                    .expect(RawMqttClient.SUBACK);
            client.send(Mqtt5Wire.subscribe(2, new byte[0], "o/marker", 1)).expect(RawMqttClient.SUBACK);
        }
        try (EmbeddedBroker broker = start();
                RawMqttClient client = new RawMqttClient(broker.port());
                RawMqttClient other = new RawMqttClient(broker.port())) {
            assertEquals(1, connect5(client, "opts"));
            other.connect("other", true, 60);
            // No Local: the client's own message is not sent back to it; a PUBLISH before
            // the PUBACK or before the marker fails the test.
            client.send(Mqtt5Wire.publish("o/t", 1, 1, new byte[0], "own")).expect(RawMqttClient.PUBACK);
            other.send(RawMqttClient.publishPacket("o/marker", 1, 1, "marker")).expect(RawMqttClient.PUBACK);
            assertEquals("o/marker", Mqtt5Wire.publishTopic(client.expect(PUBLISH)), "[MQTT-3.8.3-3]");
            byte[] retained = RawMqttClient.publishPacket("o/t", 1, 2, "retained");
            retained[0] |= 0x01;
            other.send(retained).expect(RawMqttClient.PUBACK);
            RawMqttClient.Packet forwarded = client.expect(PUBLISH);
            assertEquals("o/t", Mqtt5Wire.publishTopic(forwarded));
            assertEquals(0x01, forwarded.flags() & 0x01, "Retain As Published [MQTT-3.3.1-12]");
            assertEquals(
                    List.of(300L),
                    Mqtt5Wire.publishProperties(forwarded).get(PropertyId.SUBSCRIPTION_IDENTIFIER),
                    "[MQTT-3.3.4-3]");
        }
    }

    /**
     * A message published with RETAIN 1 while two persistent sessions are offline keeps the flag
     * for the one whose subscription is Retain As Published, from the store after a reconnect and
     * after a restart; the other gets RETAIN 0 [MQTT-3.3.1-12/13].
     */
    @Test
    void retainAsPublishedHoldsForMessagesFromTheStore() throws Exception {
        try (EmbeddedBroker broker = start()) {
            subscribeAndLeave(broker, "rap", 0x01 | 0x08);
            subscribeAndLeave(broker, "plain", 0x01);
            publishRetained(broker, "first");
            assertEquals(List.of("first/1"), reconnectAndReceive(broker, "rap"));
            assertEquals(List.of("first/0"), reconnectAndReceive(broker, "plain"));
            publishRetained(broker, "second");
        }
        try (EmbeddedBroker broker = start()) {
            assertEquals(List.of("second/1"), reconnectAndReceive(broker, "rap"), "after a restart");
            assertEquals(List.of("second/0"), reconnectAndReceive(broker, "plain"), "after a restart");
        }
    }

    private static void subscribeAndLeave(EmbeddedBroker broker, String clientId, int options) throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, connect5(client, clientId));
            client.send(Mqtt5Wire.subscribe(1, new byte[0], "kept/t", options)).expect(RawMqttClient.SUBACK);
        }
    }

    private static void publishRetained(EmbeddedBroker broker, String payload) throws Exception {
        try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
            publisher.connect("publisher", true, 60);
            byte[] retained = RawMqttClient.publishPacket("kept/t", 1, 1, payload);
            retained[0] |= 0x01;
            publisher.send(retained).expect(RawMqttClient.PUBACK);
        }
    }

    /** Reconnects the session and returns what it gets, each as payload/RETAIN, acknowledged. */
    private static List<String> reconnectAndReceive(EmbeddedBroker broker, String clientId) throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port(), 500)) {
            assertEquals(1, connect5(client, clientId));
            RawMqttClient.Packet publish = client.expect(PUBLISH);
            client.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, Mqtt5Wire.publishPacketId(publish)));
            assertTrue(client.isSilent(), "one message");
            return List.of(Mqtt5Wire.publishPayload(publish) + "/" + (publish.flags() & 0x01));
        }
    }

    /** Connects with MQTT 5, Clean Start 0 and a session that outlives the connection; returns session present. */
    @Test
    void aSharedGroupsQueueSurvivesARestartAndAcknowledgedMessagesDoNotComeBack() throws Exception {
        try (EmbeddedBroker broker = start()) {
            try (RawMqttClient member = new RawMqttClient(broker.port())) {
                assertEquals(0, member.connect("member", false, 60));
                member.send(RawMqttClient.subscribePacket(1, "$share/g/r", 1)).expect(RawMqttClient.SUBACK);
                member.send(RawMqttClient.disconnect());
                assertTrue(member.isClosedByServer());
            }
            try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
                publisher.connect("publisher", true, 60);
                for (int i = 0; i < 5; i++) {
                    publisher
                            .send(RawMqttClient.publishPacket("r", 1, i + 1, "m" + i))
                            .expect(RawMqttClient.PUBACK);
                }
            }
        }
        try (EmbeddedBroker broker = start();
                RawMqttClient member = new RawMqttClient(broker.port())) {
            assertEquals(0, member.connect("member", false, 60));
            List<String> got = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                RawMqttClient.Packet publish = member.expect(PUBLISH);
                got.add(payload(publish));
                member.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, publishPacketId(publish)));
            }
            assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), got, "the group's queue, in order");
            member.send(RawMqttClient.disconnect());
            assertTrue(member.isClosedByServer());
        }
        try (EmbeddedBroker broker = start();
                RawMqttClient member = new RawMqttClient(broker.port(), 500)) {
            assertEquals(0, member.connect("member", false, 60));
            assertTrue(member.isSilent(), "what the member acknowledged is not kept");
        }
    }

    /** The payload of a QoS 1/2 PUBLISH. */
    private static String payload(RawMqttClient.Packet publish) {
        int start = 2 + (((publish.body()[0] & 0xFF) << 8) | (publish.body()[1] & 0xFF)) + 2;
        return new String(publish.body(), start, publish.body().length - start, StandardCharsets.UTF_8);
    }

    private static int connect5(RawMqttClient client, String clientId) throws Exception {
        RawMqttClient.Packet connack = client.send(Mqtt5Wire.connect(clientId, 0, 60, Mqtt5Wire.sessionExpiry(3600)))
                .expect(RawMqttClient.CONNACK);
        assertEquals(0, connack.body()[1], "CONNACK reason code");
        return connack.body()[0];
    }

    /** Connects with clean session 0; returns CONNACK's session-present flag. */
    private static int connect(RawMqttClient client, String clientId) throws Exception {
        RawMqttClient.Packet connack =
                client.send(RawMqttClient.connectPacket(clientId, false, 60)).expect(RawMqttClient.CONNACK);
        assertEquals(0, connack.body()[1], "CONNACK return code");
        return connack.body()[0];
    }

    /** A PUBLISH's packet id follows its topic name (2-byte length and the name). */
    private static int publishPacketId(RawMqttClient.Packet publish) {
        int topicLength = ((publish.body()[0] & 0xFF) << 8) | (publish.body()[1] & 0xFF);
        int at = 2 + topicLength;
        return ((publish.body()[at] & 0xFF) << 8) | (publish.body()[at + 1] & 0xFF);
    }
}
