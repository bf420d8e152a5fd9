package io.starling.protocol;

import static io.starling.testing.RawMqttClient.CONNACK;
import static io.starling.testing.RawMqttClient.connectPacket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Packet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CONNECT handling: protocol names and levels, flags, client ids, CONNACK codes. */
class ConnectRulesTest {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start("mqtt.max-client-id-length = 40");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Packet connack(byte[] connect) throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect);
            return client.expect(CONNACK);
        }
    }

    private static boolean closedWithoutReply(byte[] connect) throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect);
            int first = client.input().read();
            return first < 0;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Test
    void mqtt311IsAccepted() throws Exception {
        Packet connack = connack(connectPacket("MQTT", 4, 0x02, 60, "c311"));
        assertEquals(0, connack.flags());
        assertEquals(2, connack.body().length);
        assertEquals(0, connack.body()[1]);
    }

    @Test
    void mqtt31IsAccepted() throws Exception {
        assertEquals(0, connack(connectPacket("MQIsdp", 3, 0x02, 60, "c31")).body()[1]);
    }

    @Test
    void unsupportedLevelGetsConnack1ThenClose() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connectPacket("MQTT", 6, 0x02, 60, "c6"));
            assertEquals(1, client.expect(CONNACK).body()[1]);
            assertTrue(client.isClosedByServer());
        }
        assertEquals(1, connack(connectPacket("MQTT", 3, 0x02, 60, "c3")).body()[1]);
        assertEquals(1, connack(connectPacket("MQIsdp", 4, 0x02, 60, "c4")).body()[1]);
    }

    @Test
    void unknownProtocolNameClosesWithoutConnack() throws Exception {
        assertTrue(closedWithoutReply(connectPacket("MQTX", 4, 0x02, 60, "x")));
    }

    @Test
    void reservedFlagClosesConnection() throws Exception {
        assertTrue(closedWithoutReply(connectPacket("MQTT", 4, 0x03, 60, "reserved")));
    }

    @Test
    void willQos3ClosesConnection() throws Exception {
        assertTrue(closedWithoutReply(connectPacket("MQTT", 4, 0x02 | 0x04 | 0x18, 60, "wq3", "will/t", "bye")));
    }

    @Test
    void willQosWithoutWillFlagClosesConnection() throws Exception {
        assertTrue(closedWithoutReply(connectPacket("MQTT", 4, 0x02 | 0x08, 60, "wq")));
    }

    @Test
    void willRetainWithoutWillFlagClosesConnection() throws Exception {
        assertTrue(closedWithoutReply(connectPacket("MQTT", 4, 0x02 | 0x20, 60, "wr")));
    }

    @Test
    void passwordWithoutUserNameClosesConnection() throws Exception {
        assertTrue(closedWithoutReply(connectPacket("MQTT", 4, 0x02 | 0x40, 60, "pw", "secret")));
    }

    @Test
    void willTopicWithWildcardClosesConnection() throws Exception {
        assertTrue(closedWithoutReply(connectPacket("MQTT", 4, 0x02 | 0x04, 60, "wt", "will/#", "bye")));
    }

    @Test
    void emptyClientIdWithCleanSessionGetsGeneratedId() throws Exception {
        assertEquals(0, connack(connectPacket("MQTT", 4, 0x02, 60, "")).body()[1]);
    }

    @Test
    void emptyClientIdWithoutCleanSessionIsRejected() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connectPacket("MQTT", 4, 0x00, 60, ""));
            assertEquals(2, client.expect(CONNACK).body()[1]);
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void longAndUnusualClientIdsAreAcceptedUpToTheLimit() throws Exception {
        assertEquals(
                0,
                connack(connectPacket("MQTT", 4, 0x02, 60, "longer-than-23-chars/with:odd#+"))
                        .body()[1]);
        String forty = "x".repeat(40);
        assertEquals(0, connack(connectPacket("MQTT", 4, 0x02, 60, forty)).body()[1]);
        assertEquals(
                0,
                connack(connectPacket("MQTT", 4, 0x02, 60, "ünïcødé/id:with spaces"))
                        .body()[1]);
        assertEquals(2, connack(connectPacket("MQTT", 4, 0x02, 60, forty + "y")).body()[1]);
    }

    @Test
    void secondConnectClosesConnection() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, client.connect("twice", true, 60));
            client.send(connectPacket("twice", true, 60));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void packetBeforeConnectClosesConnection() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(RawMqttClient.pingreq());
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void packetsSentRightAfterConnectAreHandledAfterConnack() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            byte[] connect = connectPacket("pipelined", true, 60);
            byte[] subscribe = RawMqttClient.subscribePacket(7, "pipe/t", 1);
            byte[] both = new byte[connect.length + subscribe.length];
            System.arraycopy(connect, 0, both, 0, connect.length);
            System.arraycopy(subscribe, 0, both, connect.length, subscribe.length);
            client.send(both);
            assertEquals(0, client.expect(CONNACK).body()[1]);
            Packet suback = client.expect(RawMqttClient.SUBACK);
            assertEquals(7, suback.packetId());
            assertEquals(1, suback.body()[2]);
        }
    }
}
