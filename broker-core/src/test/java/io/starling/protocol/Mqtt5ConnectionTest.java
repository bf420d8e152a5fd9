package io.starling.protocol;

import static io.starling.testing.Mqtt5Wire.ackReason;
import static io.starling.testing.Mqtt5Wire.ackReasons;
import static io.starling.testing.Mqtt5Wire.connackProperties;
import static io.starling.testing.Mqtt5Wire.connackReason;
import static io.starling.testing.Mqtt5Wire.connect;
import static io.starling.testing.Mqtt5Wire.disconnect;
import static io.starling.testing.Mqtt5Wire.disconnectReason;
import static io.starling.testing.Mqtt5Wire.properties;
import static io.starling.testing.Mqtt5Wire.publish;
import static io.starling.testing.Mqtt5Wire.publishPacketId;
import static io.starling.testing.Mqtt5Wire.publishPayload;
import static io.starling.testing.Mqtt5Wire.publishTopic;
import static io.starling.testing.Mqtt5Wire.sessionExpiry;
import static io.starling.testing.Mqtt5Wire.subscribe;
import static io.starling.testing.Mqtt5Wire.unsubscribe;
import static io.starling.testing.RawMqttClient.CONNACK;
import static io.starling.testing.RawMqttClient.DISCONNECT;
import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.PUBCOMP;
import static io.starling.testing.RawMqttClient.PUBLISH;
import static io.starling.testing.RawMqttClient.PUBREC;
import static io.starling.testing.RawMqttClient.SUBACK;
import static io.starling.testing.RawMqttClient.UNSUBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.protocol.mqtt5.PropertyId;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Packet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQTT 5 connections over raw sockets: CONNACK and its properties, reason codes on the
 * acknowledgements, the broker's DISCONNECT with its reason, topic aliases, Receive Maximum.
 * Each test names the normative statement or section of MQTT 5.0 it holds.
 */
class Mqtt5ConnectionTest {

    private static final int RECEIVE_MAXIMUM = 2;
    private static final int MAX_KEEP_ALIVE = 300;
    private static final int MAX_PACKET_SIZE = 2048;

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(
                "mqtt5.receive-maximum = " + RECEIVE_MAXIMUM,
                "mqtt5.max-keep-alive = " + MAX_KEEP_ALIVE,
                "mqtt.max-packet-size = " + MAX_PACKET_SIZE);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static RawMqttClient connected(String clientId) throws Exception {
        RawMqttClient client = new RawMqttClient(broker.port());
        client.send(connect(clientId, 0x02, 60, new byte[0]));
        assertEquals(0, connackReason(client.expect(CONNACK)));
        return client;
    }

    @Test
    void section_3_2_2_3_connackAnnouncesTheBrokersLimitsAndFeatures() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("limits", 0x02, 60, new byte[0]));
            Packet connack = client.expect(CONNACK);
            assertEquals(0, connackReason(connack));
            Map<PropertyId, List<Object>> properties = connackProperties(connack);
            assertEquals(List.of((long) RECEIVE_MAXIMUM), properties.get(PropertyId.RECEIVE_MAXIMUM));
            assertEquals(List.of((long) MAX_PACKET_SIZE), properties.get(PropertyId.MAXIMUM_PACKET_SIZE));
            assertEquals(List.of(10L), properties.get(PropertyId.TOPIC_ALIAS_MAXIMUM));
            assertEquals(List.of(1L), properties.get(PropertyId.RETAIN_AVAILABLE));
            assertEquals(List.of(1L), properties.get(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE));
            assertEquals(List.of(1L), properties.get(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE));
            assertEquals(List.of(1L), properties.get(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE));
            assertNull(properties.get(PropertyId.SERVER_KEEP_ALIVE), "keep alive 60 is within the maximum");
            assertNull(properties.get(PropertyId.ASSIGNED_CLIENT_IDENTIFIER));
        }
    }

    @Test
    void mqtt_3_1_3_7_emptyClientIdGetsAssignedClientIdentifier() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            // Clean Start 0 with an empty id: refused by MQTT 3.1.1, allowed by MQTT 5 [MQTT-3.1.3-6].
            client.send(connect("", 0x00, 60, new byte[0]));
            Packet connack = client.expect(CONNACK);
            assertEquals(0, connackReason(connack));
            List<Object> assigned = connackProperties(connack).get(PropertyId.ASSIGNED_CLIENT_IDENTIFIER);
            assertNotNull(assigned);
            assertFalse(((String) assigned.get(0)).isEmpty());
        }
    }

    @Test
    void mqtt_3_2_2_21_serverKeepAliveLowersAKeepAliveAboveTheMaximumOrNone() throws Exception {
        for (int asked : new int[] {0, MAX_KEEP_ALIVE + 1}) {
            try (RawMqttClient client = new RawMqttClient(broker.port())) {
                client.send(connect("keep-" + asked, 0x02, asked, new byte[0]));
                Packet connack = client.expect(CONNACK);
                assertEquals(
                        List.of((long) MAX_KEEP_ALIVE),
                        connackProperties(connack).get(PropertyId.SERVER_KEEP_ALIVE),
                        "keep alive " + asked);
            }
        }
    }

    @Test
    void section_3_14_2_1_keepAliveTimeoutIsDisconnect0x8D() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port(), 10_000)) {
            client.send(connect("silent", 0x02, 1, new byte[0]));
            client.expect(CONNACK);
            assertEquals(0x8D, disconnectReason(client.expect(DISCONNECT)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void mqtt_3_1_4_3_takenOverConnectionGetsDisconnect0x8E() throws Exception {
        try (RawMqttClient first = connected("twice");
                RawMqttClient second = connected("twice")) {
            assertEquals(0x8E, disconnectReason(first.expect(DISCONNECT)));
            assertTrue(first.isClosedByServer());
            second.send(RawMqttClient.pingreq());
            second.expect(RawMqttClient.PINGRESP);
        }
    }

    @Test
    void mqtt_4_13_1_1_protocolErrorIsDisconnectWithItsReasonCode() throws Exception {
        try (RawMqttClient client = connected("duplicate-property")) {
            byte[] twice = properties()
                    .u8(PropertyId.CONTENT_TYPE.id())
                    .string("a")
                    .u8(PropertyId.CONTENT_TYPE.id())
                    .string("b")
                    .toArray();
            client.send(publish("t", 0, 0, twice, "x"));
            assertEquals(0x82, disconnectReason(client.expect(DISCONNECT)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void mqtt_4_13_1_1_malformedConnectIsConnackWithItsReasonCode() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            byte[] willDelayInConnect =
                    properties().u8(PropertyId.WILL_DELAY_INTERVAL.id()).u32(5).toArray();
            client.send(connect("bad", 0x02, 60, willDelayInConnect));
            assertEquals(0x81, connackReason(client.expect(CONNACK)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void mqtt_3_2_2_15_packetAboveMaximumPacketSizeIsDisconnect0x95() throws Exception {
        try (RawMqttClient client = connected("too-large")) {
            client.send(publish("t", 0, 0, new byte[0], "x".repeat(MAX_PACKET_SIZE)));
            assertEquals(0x95, disconnectReason(client.expect(DISCONNECT)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void mqtt_3_3_2_12_topicAliasStandsForTheTopicItWasSetUpWith() throws Exception {
        try (RawMqttClient subscriber = connected("alias-sub");
                RawMqttClient publisher = connected("alias-pub")) {
            subscriber.send(subscribe(1, new byte[0], "alias/#", 0));
            subscriber.expect(SUBACK);
            byte[] alias1 = properties().u8(PropertyId.TOPIC_ALIAS.id()).u16(1).toArray();
            publisher.send(publish("alias/topic", 0, 0, alias1, "first"));
            publisher.send(publish("", 0, 0, alias1, "second"));
            assertEquals("alias/topic", publishTopic(subscriber.expect(PUBLISH)));
            assertEquals("alias/topic", publishTopic(subscriber.expect(PUBLISH)));
        }
    }

    @Test
    void section_3_3_2_3_4_topicAliasNeverSetUpIsProtocolError() throws Exception {
        try (RawMqttClient client = connected("alias-unknown")) {
            client.send(publish(
                    "",
                    0,
                    0,
                    properties().u8(PropertyId.TOPIC_ALIAS.id()).u16(2).toArray(),
                    "x"));
            assertEquals(0x82, disconnectReason(client.expect(DISCONNECT)));
        }
    }

    @Test
    void mqtt_3_2_2_17_topicAliasAboveTheMaximumIsDisconnect0x94() throws Exception {
        try (RawMqttClient client = connected("alias-high")) {
            client.send(publish(
                    "t",
                    0,
                    0,
                    properties().u8(PropertyId.TOPIC_ALIAS.id()).u16(11).toArray(),
                    "x"));
            assertEquals(0x94, disconnectReason(client.expect(DISCONNECT)));
        }
    }

    @Test
    void mqtt_3_3_4_9_moreUnacknowledgedPublishesThanReceiveMaximumIsDisconnect0x93() throws Exception {
        try (RawMqttClient client = connected("flood")) {
            // QoS 2 flows stay open until PUBCOMP: without PUBREL they count against the quota.
            for (int id = 1; id <= RECEIVE_MAXIMUM; id++) {
                client.send(publish("flood", 2, id, new byte[0], "x"));
                assertEquals(0, ackReason(client.expect(PUBREC)));
            }
            client.send(publish("flood", 2, RECEIVE_MAXIMUM + 1, new byte[0], "x"));
            assertEquals(0x93, disconnectReason(client.expect(DISCONNECT)));
        }
    }

    @Test
    void mqtt_3_3_4_9_aQos2PublishSentAgainBeforePubrelCountsOnce() throws Exception {
        try (RawMqttClient client = connected("resender")) {
            for (int attempt = 0; attempt <= RECEIVE_MAXIMUM; attempt++) {
                client.send(publish("resent", 2, 1, new byte[0], "x"));
                assertEquals(0, ackReason(client.expect(PUBREC)));
            }
            client.send(publish("resent", 2, 2, new byte[0], "y"));
            assertEquals(0, ackReason(client.expect(PUBREC)), "two flows open: within Receive Maximum");
            client.send(RawMqttClient.pingreq());
            client.expect(RawMqttClient.PINGRESP);
        }
    }

    @Test
    void section_3_4_2_1_completedFlowsGiveTheQuotaBack() throws Exception {
        try (RawMqttClient client = connected("quota")) {
            for (int id = 1; id <= 3 * RECEIVE_MAXIMUM; id++) {
                client.send(publish("quota", 1, id, new byte[0], "x"));
                Packet puback = client.expect(PUBACK);
                assertEquals(id, puback.packetId());
            }
            client.send(RawMqttClient.pingreq());
            client.expect(RawMqttClient.PINGRESP);
        }
    }

    @Test
    void mqtt_3_3_4_9_brokerSendsNoMoreUnacknowledgedPublishesThanTheClientsReceiveMaximum() throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(broker.port(), 1000);
                RawMqttClient publisher = connected("window-pub")) {
            byte[] receiveOne =
                    properties().u8(PropertyId.RECEIVE_MAXIMUM.id()).u16(1).toArray();
            subscriber.send(connect("window-sub", 0x02, 60, receiveOne));
            subscriber.expect(CONNACK);
            subscriber.send(subscribe(1, new byte[0], "window", 1));
            subscriber.expect(SUBACK);
            for (int id = 1; id <= 2; id++) {
                publisher.send(publish("window", 1, id, new byte[0], "m" + id));
                publisher.expect(PUBACK);
            }
            Packet first = subscriber.expect(PUBLISH);
            assertTrue(subscriber.isSilent(), "a second PUBLISH before the first was acknowledged");
            subscriber.send(RawMqttClient.ackPacket(PUBACK, publishPacketId(first)));
            Packet second = subscriber.expect(PUBLISH);
            subscriber.send(RawMqttClient.ackPacket(PUBACK, publishPacketId(second)));
        }
    }

    @Test
    void mqtt_3_3_4_9_aClientReconnectingWithALowerReceiveMaximumGetsItsMessagesWithinIt() throws Exception {
        byte[] session = properties()
                .u8(PropertyId.SESSION_EXPIRY_INTERVAL.id())
                .u32(300)
                .toArray();
        try (RawMqttClient publisher = connected("lower-pub")) {
            try (RawMqttClient first = new RawMqttClient(broker.port(), 1000)) {
                first.send(connect("lower-sub", 0x02, 60, session));
                first.expect(CONNACK);
                first.send(subscribe(1, new byte[0], "lower", 1));
                first.expect(SUBACK);
                for (int id = 1; id <= 3; id++) {
                    publisher.send(publish("lower", 1, id, new byte[0], "m" + id));
                    publisher.expect(PUBACK);
                    first.expect(PUBLISH); // not acknowledged
                }
            }
            byte[] receiveOne = properties()
                    .u8(PropertyId.SESSION_EXPIRY_INTERVAL.id())
                    .u32(300)
                    .u8(PropertyId.RECEIVE_MAXIMUM.id())
                    .u16(1)
                    .toArray();
            try (RawMqttClient again = new RawMqttClient(broker.port(), 1000)) {
                again.send(connect("lower-sub", 0x00, 60, receiveOne));
                again.expect(CONNACK);
                for (int i = 1; i <= 3; i++) {
                    Packet resent = again.expect(PUBLISH);
                    assertEquals("m" + i, publishPayload(resent));
                    assertTrue(again.isSilent(), "a second PUBLISH before m" + i + " was acknowledged");
                    again.send(RawMqttClient.ackPacket(PUBACK, publishPacketId(resent)));
                }
            }
        }
    }

    @Test
    void section_3_7_2_1_pubrelOfAnUnknownPacketIdIsPubcomp0x92() throws Exception {
        try (RawMqttClient client = connected("unknown-pubrel")) {
            client.send(RawMqttClient.ackPacket(RawMqttClient.PUBREL, 77));
            Packet pubcomp = client.expect(PUBCOMP);
            assertEquals(77, pubcomp.packetId());
            assertEquals(0x92, ackReason(pubcomp));
        }
    }

    @Test
    void mqtt_3_11_3_1_unsubackHasAReasonCodePerFilter() throws Exception {
        try (RawMqttClient client = connected("unsub")) {
            client.send(subscribe(1, new byte[0], "u/a", 1));
            assertEquals(List.of(1), ackReasons(client.expect(SUBACK)));
            client.send(unsubscribe(2, "u/a", "u/never"));
            assertEquals(List.of(0x00, 0x11), ackReasons(client.expect(UNSUBACK)));
        }
    }

    @Test
    void mqtt_3_11_3_1_theSameFilterTwiceIsRemovedOnce() throws Exception {
        try (RawMqttClient client = connected("unsub-twice")) {
            client.send(subscribe(1, new byte[0], "u/b", 1));
            assertEquals(List.of(1), ackReasons(client.expect(SUBACK)));
            client.send(unsubscribe(2, "u/b", "u/b"));
            assertEquals(List.of(0x00, 0x11), ackReasons(client.expect(UNSUBACK)));
        }
    }

    @Test
    void section_3_9_3_invalidFilterIsSuback0x8F() throws Exception {
        try (RawMqttClient client = connected("bad-filter")) {
            client.send(subscribe(1, new byte[0], "a/#/b", 0));
            assertEquals(List.of(0x8F), ackReasons(client.expect(SUBACK)));
        }
    }

    @Test
    void section_4_8_2_sharedSubscriptionIsGrantedAndBadSharedNamesAreSuback0x8F() throws Exception {
        try (RawMqttClient client = connected("shared")) {
            client.send(subscribe(1, new byte[0], "$share/group/t", 1));
            assertEquals(List.of(1), ackReasons(client.expect(SUBACK)));
            for (String bad :
                    List.of("$share/group", "$share//t", "$share/g+/t", "$share/g#/t", "$share/g/", "$share/g/a/#/b")) {
                client.send(subscribe(2, new byte[0], bad, 1));
                assertEquals(List.of(0x8F), ackReasons(client.expect(SUBACK)), bad);
            }
        }
    }

    @Test
    void section_3_14_2_1_disconnectWithWillMessagePublishesTheWill() throws Exception {
        byte[] will = new RawMqttClient.Bytes()
                .properties(new byte[0])
                .string("wills/asked")
                .binary("gone".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toArray();
        try (RawMqttClient subscriber = connected("will-watcher")) {
            subscriber.send(subscribe(1, new byte[0], "wills/#", 0));
            subscriber.expect(SUBACK);
            try (RawMqttClient client = new RawMqttClient(broker.port())) {
                client.send(connect("will-normal", 0x06, 60, new byte[0], will));
                client.expect(CONNACK);
                client.send(disconnect(0x00, new byte[0]));
                assertTrue(client.isClosedByServer());
            }
            try (RawMqttClient client = new RawMqttClient(broker.port())) {
                client.send(connect("will-asked", 0x06, 60, new byte[0], will));
                client.expect(CONNACK);
                client.send(disconnect(0x04, new byte[0]));
                assertTrue(client.isClosedByServer());
            }
            // Only the second will: the first DISCONNECT (0x00) discarded its will [MQTT-3.1.2-10].
            Packet published = subscriber.expect(PUBLISH);
            assertEquals("wills/asked", publishTopic(published));
            subscriber.send(RawMqttClient.pingreq());
            subscriber.expect(RawMqttClient.PINGRESP);
        }
    }

    /** A CONNECT with Clean Start 1, a session that outlives it and a will with this Will Delay Interval. */
    private static byte[] connectWithDelayedWill(String clientId, int flags, String willTopic, int delaySeconds) {
        byte[] will = new RawMqttClient.Bytes()
                .properties(properties()
                        .u8(PropertyId.WILL_DELAY_INTERVAL.id())
                        .u32(delaySeconds)
                        .toArray())
                .string(willTopic)
                .binary(new byte[] {1})
                .toArray();
        return connect(clientId, flags | 0x04, 60, sessionExpiry(3600), will);
    }

    @Test
    void section_3_1_3_2_2_willWaitsForItsDelayAndIsPublishedAfterIt() throws Exception {
        try (RawMqttClient watcher = connected("delay-watcher")) {
            watcher.send(subscribe(1, new byte[0], "delayed/#", 0));
            watcher.expect(SUBACK);
            RawMqttClient client = new RawMqttClient(broker.port());
            client.send(connectWithDelayedWill("delay-short", 0x02, "delayed/short", 1));
            client.expect(CONNACK);
            client.close();
            assertEquals("delayed/short", publishTopic(watcher.expect(PUBLISH)));
        }
    }

    @Test
    void mqtt_3_1_3_9_reconnectBeforeTheWillDelayCancelsTheWill() throws Exception {
        try (RawMqttClient watcher = connected("cancel-watcher")) {
            watcher.send(subscribe(1, new byte[0], "cancelled/#", 0));
            watcher.expect(SUBACK);
            RawMqttClient client = new RawMqttClient(broker.port());
            client.send(connectWithDelayedWill("delay-long", 0x02, "cancelled/long", 3600));
            client.expect(CONNACK);
            // Gone without DISCONNECT: without the delay its will would be published now.
            client.close();
            try (RawMqttClient again = new RawMqttClient(broker.port())) {
                again.send(connectWithDelayedWill("delay-long", 0x00, "cancelled/long", 3600));
                assertEquals(1, again.expect(CONNACK).body()[0], "the session continues");
                assertTrue(watcher.isSilent(), "the will was published");
                again.send(disconnect(0x00, new byte[0]));
            }
        }
    }

    @Test
    void section_3_1_3_2_2_aCleanStartTakingOverAConnectedClientEndsTheSessionAndPublishesItsWill() throws Exception {
        try (RawMqttClient watcher = takeOverAConnectedClientWithADelayedWill("taken-fresh", 0x02, 0)) {
            assertEquals("taken/taken-fresh", publishTopic(watcher.expect(PUBLISH)), "the old session's will");
        }
    }

    @Test
    void mqtt_3_1_3_9_aConnectionTakingOverTheSessionCancelsTheDelayedWill() throws Exception {
        try (RawMqttClient watcher = takeOverAConnectedClientWithADelayedWill("continued", 0x00, 1)) {
            assertTrue(watcher.isSilent(), "the will was published");
        }
    }

    /**
     * Connects {@code clientId} with a will delayed an hour on "taken/{clientId}", then a second
     * connection of it with the CONNECT {@code flags} (Clean Start or not) while the first is
     * still connected; returns a client subscribed to the will's topic.
     */
    private RawMqttClient takeOverAConnectedClientWithADelayedWill(String clientId, int flags, int sessionPresent)
            throws Exception {
        RawMqttClient watcher = connected(clientId + "-watcher");
        watcher.send(subscribe(1, new byte[0], "taken/#", 0));
        watcher.expect(SUBACK);
        try (RawMqttClient first = new RawMqttClient(broker.port());
                RawMqttClient second = new RawMqttClient(broker.port())) {
            first.send(connectWithDelayedWill(clientId, 0x02, "taken/" + clientId, 3600));
            first.expect(CONNACK);
            second.send(connect(clientId, flags, 60, sessionExpiry(3600)));
            assertEquals(sessionPresent, second.expect(CONNACK).body()[0], "session present");
            assertTrue(first.isClosedByServer(), "taken over");
            second.send(disconnect(0x00, new byte[0]));
        }
        return watcher;
    }

    @Test
    void mqtt_3_14_2_2_sessionExpiryAtDisconnectAfterZeroInConnectIsProtocolError() throws Exception {
        try (RawMqttClient client = connected("expiry-change")) {
            client.send(disconnect(0x00, sessionExpiry(60)));
            assertEquals(0x82, disconnectReason(client.expect(DISCONNECT)));
        }
    }

    @Test
    void mqtt_3_2_2_2_cleanStartDiscardsTheSessionAndSessionExpiryKeepsIt() throws Exception {
        byte[] expiry = sessionExpiry(3600);
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("kept", 0x02, 60, expiry));
            assertEquals(0, client.expect(CONNACK).body()[0], "new session: session present 0");
            client.send(disconnect(0x00, new byte[0]));
            assertTrue(client.isClosedByServer());
        }
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("kept", 0x00, 60, expiry));
            assertEquals(1, client.expect(CONNACK).body()[0], "continued: session present 1 [MQTT-3.2.2-3]");
            client.send(disconnect(0x00, new byte[0]));
            assertTrue(client.isClosedByServer());
        }
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("kept", 0x02, 60, expiry));
            assertEquals(0, client.expect(CONNACK).body()[0], "Clean Start: session present 0 [MQTT-3.2.2-2]");
        }
    }

    private static int sessionPresent(String clientId, int flags, byte[] properties) throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect(clientId, flags, 60, properties));
            int present = client.expect(CONNACK).body()[0];
            client.send(disconnect(0x00, new byte[0]));
            assertTrue(client.isClosedByServer());
            return present;
        }
    }

    @Test
    void section_3_1_2_11_2_sessionEndsWhenItsExpiryIntervalPassesOffline() throws Exception {
        assertEquals(0, sessionPresent("expires", 0x02, sessionExpiry(1)));
        long disconnectedAt = System.currentTimeMillis();
        // The feature is about time: the interval has to pass (nothing else is waited for this way).
        while (System.currentTimeMillis() < disconnectedAt + 1500) {
            Thread.sleep(50);
        }
        assertEquals(0, sessionPresent("expires", 0x00, sessionExpiry(1)), "the session expired");
    }

    @Test
    void section_3_14_2_2_1_sessionExpiryZeroAtDisconnectEndsTheSession() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("ends-at-disconnect", 0x02, 60, sessionExpiry(3600)));
            client.expect(CONNACK);
            client.send(disconnect(0x00, sessionExpiry(0)));
            assertTrue(client.isClosedByServer());
        }
        assertEquals(0, sessionPresent("ends-at-disconnect", 0x00, sessionExpiry(3600)));
    }

    @Test
    void section_3_1_2_11_2_cleanStart0WithExpiry0ContinuesTheSessionThenEndsIt() throws Exception {
        assertEquals(0, sessionPresent("continue-then-end", 0x02, sessionExpiry(3600)));
        assertEquals(1, sessionPresent("continue-then-end", 0x00, new byte[0]), "continued");
        assertEquals(0, sessionPresent("continue-then-end", 0x00, sessionExpiry(3600)), "ended with that connection");
    }

    @Test
    void mqtt_3_1_2_4_sessionExpiryZeroEndsTheSessionWithTheConnection() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("ephemeral", 0x02, 60, new byte[0]));
            client.expect(CONNACK);
            client.send(disconnect(0x00, new byte[0]));
            assertTrue(client.isClosedByServer());
        }
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("ephemeral", 0x00, 60, new byte[0]));
            assertEquals(0, client.expect(CONNACK).body()[0], "nothing to continue: session present 0");
        }
    }

    @Test
    void mqtt311ClientsStillGetTheirOwnPackets() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, client.connect("classic", true, 60));
            client.send(RawMqttClient.unsubscribePacket(3, "never"));
            Packet unsuback = client.expect(UNSUBACK);
            assertEquals(2, unsuback.body().length, "MQTT 3.1.1 UNSUBACK: packet id only");
        }
    }
}
