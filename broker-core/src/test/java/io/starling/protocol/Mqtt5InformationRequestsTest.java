package io.starling.protocol;

import static io.starling.testing.Mqtt5Wire.ackReason;
import static io.starling.testing.Mqtt5Wire.ackReasons;
import static io.starling.testing.Mqtt5Wire.connackProperties;
import static io.starling.testing.Mqtt5Wire.connackReason;
import static io.starling.testing.Mqtt5Wire.connect;
import static io.starling.testing.Mqtt5Wire.properties;
import static io.starling.testing.Mqtt5Wire.subscribe;
import static io.starling.testing.RawMqttClient.CONNACK;
import static io.starling.testing.RawMqttClient.PUBCOMP;
import static io.starling.testing.RawMqttClient.SUBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.protocol.mqtt5.PropertyId;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.Mqtt5Wire;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Packet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an MQTT 5 client asks the broker to tell it: Request Response Information (Response
 * Information in CONNACK, from starling.mqtt5.response-information) and Request Problem
 * Information 0 (no Reason String or User Property on packets other than PUBLISH, CONNACK and
 * DISCONNECT), over raw sockets.
 */
class Mqtt5InformationRequestsTest {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start("mqtt5.response-information = \"responses/%c/%u\"");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Packet connack(String clientId, byte[] properties, byte[] rest) throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect(clientId, rest.length == 0 ? 0x02 : 0x82, 60, properties, rest));
            return client.expect(CONNACK);
        }
    }

    @Test
    void section_3_1_2_11_7_requestedResponseInformationIsSentWithTheClientsNames() throws Exception {
        byte[] request = properties()
                .u8(PropertyId.REQUEST_RESPONSE_INFORMATION.id())
                .u8(1)
                .toArray();
        byte[] user = new RawMqttClient.Bytes().string("alice").toArray();
        Packet connack = connack("asker", request, user);
        assertEquals(0, connackReason(connack));
        assertEquals(
                List.of("responses/asker/alice"), connackProperties(connack).get(PropertyId.RESPONSE_INFORMATION));
    }

    @Test
    void mqtt_3_1_2_28_noResponseInformationWithoutTheRequest() throws Exception {
        byte[] no = properties()
                .u8(PropertyId.REQUEST_RESPONSE_INFORMATION.id())
                .u8(0)
                .toArray();
        assertNull(connackProperties(connack("declines", no, new byte[0])).get(PropertyId.RESPONSE_INFORMATION));
        assertNull(
                connackProperties(connack("silent", new byte[0], new byte[0])).get(PropertyId.RESPONSE_INFORMATION));
    }

    @Test
    void mqtt_3_1_2_29_noReasonStringOrUserPropertyOnAcknowledgementsWithProblemInformationOff() throws Exception {
        byte[] noProblems = properties()
                .u8(PropertyId.REQUEST_PROBLEM_INFORMATION.id())
                .u8(0)
                .toArray();
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("no-problems", 0x02, 60, noProblems));
            assertEquals(0, connackReason(client.expect(CONNACK)));
            // Two refusals that carry a reason code: PUBCOMP 0x92 and SUBACK 0x8F.
            client.send(RawMqttClient.ackPacket(RawMqttClient.PUBREL, 9));
            Packet pubcomp = client.expect(PUBCOMP);
            assertEquals(0x92, ackReason(pubcomp));
            assertTrue(
                    pubcomp.body().length == 3
                            || Mqtt5Wire.properties(pubcomp.body(), 3).isEmpty(),
                    "PUBCOMP without properties");
            client.send(subscribe(1, new byte[0], "a/#/b", 0));
            Packet suback = client.expect(SUBACK);
            assertEquals(List.of(0x8F), ackReasons(suback));
            Map<PropertyId, List<Object>> subackProperties = Mqtt5Wire.properties(suback.body(), 2);
            assertNull(subackProperties.get(PropertyId.REASON_STRING));
            assertNull(subackProperties.get(PropertyId.USER_PROPERTY));
        }
    }
}
