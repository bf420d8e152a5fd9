package io.starling.protocol.mqtt5;

import static io.starling.protocol.mqtt5.Mqtt5Frames.connect;
import static io.starling.protocol.mqtt5.Mqtt5Frames.props;
import static io.starling.protocol.mqtt5.Mqtt5Frames.publish;
import static io.starling.protocol.mqtt5.Mqtt5Frames.subscribe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.util.ReferenceCountUtil;
import io.starling.protocol.wire.MalformedPacketException;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the broker's decoding refuses in MQTT 5 packets, and with which reason code; each test
 * names the normative statement or section of MQTT 5.0 it holds.
 */
class Mqtt5PacketCheckTest {

    private static ReasonCode refusalOf(byte[] packet) {
        try (Mqtt5Frames frames = Mqtt5Frames.connected()) {
            return assertThrows(Mqtt5Violation.class, () -> frames.decode(packet))
                    .reasonCode();
        }
    }

    private static ReasonCode connectRefusal(byte[] connect) {
        try (Mqtt5Frames frames = new Mqtt5Frames()) {
            return assertThrows(Mqtt5Violation.class, () -> frames.decode(connect))
                    .reasonCode();
        }
    }

    @Test
    void section_2_2_2_2_unknownPropertyIdentifierIsMalformed() {
        byte[] unknown = props().u8(0x04).u8(1).toArray();
        assertEquals(ReasonCode.MALFORMED_PACKET, refusalOf(publish("t", 0, unknown, "x")));
    }

    @Test
    void section_2_2_2_2_propertyNotAllowedInThePacketIsMalformed() {
        byte[] topicAlias = props().u8(0x23).u16(1).toArray();
        assertEquals(ReasonCode.MALFORMED_PACKET, refusalOf(subscribe(topicAlias, "t", 0)));
        byte[] willDelay = props().u8(0x18).u32(5).toArray();
        assertEquals(ReasonCode.MALFORMED_PACKET, connectRefusal(connect(0x02, willDelay, "c")));
    }

    @Test
    void section_3_3_2_3_propertyGivenTwiceIsProtocolError() {
        byte[] twice = props().u8(0x03).string("a").u8(0x03).string("b").toArray();
        assertEquals(ReasonCode.PROTOCOL_ERROR, refusalOf(publish("t", 0, twice, "x")));
        byte[] expiryTwice = props().u8(0x11).u32(1).u8(0x11).u32(2).toArray();
        assertEquals(ReasonCode.PROTOCOL_ERROR, connectRefusal(connect(0x02, expiryTwice, "c")));
    }

    @Test
    void section_3_3_2_3_7_userPropertiesMayRepeatAndKeepTheirOrder() {
        byte[] properties = props().u8(0x26)
                .string("k")
                .string("2")
                .u8(0x26)
                .string("a")
                .string("1")
                .u8(0x26)
                .string("k")
                .string("3")
                .toArray();
        try (Mqtt5Frames frames = Mqtt5Frames.connected()) {
            MqttPublishMessage message = (MqttPublishMessage) frames.decode(publish("t", 1, properties, "x"));
            try {
                MqttProperties.UserProperties users = (MqttProperties.UserProperties)
                        message.variableHeader().properties().getProperty(0x26);
                assertEquals(
                        List.of("k=2", "a=1", "k=3"),
                        users.value().stream().map(p -> p.key + "=" + p.value).toList());
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
    }

    @Test
    void mqtt_3_3_4_6_subscriptionIdentifierFromAClientIsProtocolError() {
        byte[] subscriptionId = props().u8(0x0B).vbi(7).toArray();
        assertEquals(ReasonCode.PROTOCOL_ERROR, refusalOf(publish("t", 0, subscriptionId, "x")));
    }

    @Test
    void mqtt_3_3_2_8_topicAliasZeroIsTopicAliasInvalid() {
        byte[] zero = props().u8(0x23).u16(0).toArray();
        assertEquals(ReasonCode.TOPIC_ALIAS_INVALID, refusalOf(publish("t", 0, zero, "x")));
    }

    @Test
    void mqtt_3_3_2_9_topicAliasAboveTheServersMaximumIsTopicAliasInvalid() {
        byte[] above = props().u8(0x23).u16(Mqtt5Frames.TOPIC_ALIAS_MAXIMUM + 1).toArray();
        assertEquals(ReasonCode.TOPIC_ALIAS_INVALID, refusalOf(publish("t", 0, above, "x")));
        byte[] highest = props().u8(0x23).u16(Mqtt5Frames.TOPIC_ALIAS_MAXIMUM).toArray();
        try (Mqtt5Frames frames = Mqtt5Frames.connected()) {
            ReferenceCountUtil.release(frames.decode(publish("t", 0, highest, "x")));
        }
    }

    @Test
    void section_3_3_2_1_emptyTopicWithoutTopicAliasIsProtocolError() {
        assertEquals(ReasonCode.PROTOCOL_ERROR, refusalOf(publish("", 0, new byte[0], "x")));
    }

    @Test
    void mqtt_1_5_4_1_badUtf8InAPropertyIsMalformed() {
        byte[] overlong = props().u8(0x03).u16(2).u8(0xC0).u8(0x80).toArray();
        assertEquals(ReasonCode.MALFORMED_PACKET, refusalOf(publish("t", 0, overlong, "x")));
        byte[] surrogateInUserProperty =
                props().u8(0x26).string("k").u16(3).u8(0xED).u8(0xA0).u8(0x80).toArray();
        assertEquals(ReasonCode.MALFORMED_PACKET, refusalOf(publish("t", 0, surrogateInUserProperty, "x")));
    }

    @Test
    void mqtt_1_5_4_2_nulInAPropertyIsMalformed() {
        byte[] nul = props().u8(0x08).u16(1).u8(0).toArray();
        assertEquals(ReasonCode.MALFORMED_PACKET, refusalOf(publish("t", 0, nul, "x")));
    }

    @Test
    void mqtt_1_5_5_1_variableByteIntegerNotInItsShortestFormIsMalformed() {
        byte[] padded = props().u8(0x0B).u8(0x81).u8(0x00).toArray();
        assertEquals(ReasonCode.MALFORMED_PACKET, refusalOf(subscribe(padded, "t", 0)));
    }

    @Test
    void section_2_2_2_1_propertiesLongerThanThePacketAreMalformed() {
        byte[] body = new Bytes().string("t").vbi(50).u8(0x01).u8(1).toArray();
        assertEquals(ReasonCode.MALFORMED_PACKET, refusalOf(RawMqttClient.packet(0x30, body)));
    }

    @Test
    void section_3_8_2_1_2_subscriptionIdentifierZeroIsProtocolError() {
        byte[] zero = props().u8(0x0B).vbi(0).toArray();
        assertEquals(ReasonCode.PROTOCOL_ERROR, refusalOf(subscribe(zero, "t", 0)));
        byte[] twice = props().u8(0x0B).vbi(1).u8(0x0B).vbi(2).toArray();
        assertEquals(ReasonCode.PROTOCOL_ERROR, refusalOf(subscribe(twice, "t", 0)));
    }

    @Test
    void mqtt_3_1_2_3_connectReservedFlagIsMalformed() {
        assertEquals(ReasonCode.MALFORMED_PACKET, connectRefusal(connect(0x03, new byte[0], "c")));
    }

    @Test
    void mqtt_3_1_2_11_willQosWithoutWillFlagIsMalformed() {
        assertEquals(ReasonCode.MALFORMED_PACKET, connectRefusal(connect(0x0A, new byte[0], "c")));
        assertEquals(ReasonCode.MALFORMED_PACKET, connectRefusal(connect(0x22, new byte[0], "c")));
    }

    @Test
    void mqtt_3_1_2_12_willQos3IsMalformed() {
        assertEquals(ReasonCode.MALFORMED_PACKET, connectRefusal(connect(0x1E, new byte[0], "c")));
    }

    @Test
    void section_3_1_2_11_connectPropertyValuesOutOfRangeAreProtocolErrors() {
        assertEquals(
                ReasonCode.PROTOCOL_ERROR,
                connectRefusal(connect(0x02, props().u8(0x21).u16(0).toArray(), "c")),
                "Receive Maximum 0");
        assertEquals(
                ReasonCode.PROTOCOL_ERROR,
                connectRefusal(connect(0x02, props().u8(0x27).u32(0).toArray(), "c")),
                "Maximum Packet Size 0");
        assertEquals(
                ReasonCode.PROTOCOL_ERROR,
                connectRefusal(connect(0x02, props().u8(0x17).u8(2).toArray(), "c")),
                "Request Problem Information 2");
        assertEquals(
                ReasonCode.PROTOCOL_ERROR,
                connectRefusal(
                        connect(0x02, props().u8(0x16).binary(new byte[] {1}).toArray(), "c")),
                "Authentication Data without Authentication Method");
    }

    @Test
    void section_3_1_3_2_willPropertiesAreCheckedAsWillProperties() {
        byte[] will = new Bytes()
                .string("MQTT")
                .u8(5)
                .u8(0x06)
                .u16(60)
                .properties(new byte[0])
                .string("c")
                .properties(props().u8(0x18).u32(10).u8(0x01).u8(1).toArray())
                .string("will/topic")
                .binary(new byte[] {1, 2})
                .toArray();
        try (Mqtt5Frames frames = new Mqtt5Frames()) {
            ReferenceCountUtil.release(frames.decode(RawMqttClient.packet(0x10, will)));
        }
        byte[] sessionExpiryInWill = new Bytes()
                .string("MQTT")
                .u8(5)
                .u8(0x06)
                .u16(60)
                .properties(new byte[0])
                .string("c")
                .properties(props().u8(0x11).u32(10).toArray())
                .string("will/topic")
                .binary(new byte[] {1, 2})
                .toArray();
        assertEquals(ReasonCode.MALFORMED_PACKET, connectRefusal(RawMqttClient.packet(0x10, sessionExpiryInWill)));
    }

    @Test
    void mqtt_3_8_3_5_subscriptionOptionsReservedBitsAreMalformed() {
        assertEquals(ReasonCode.MALFORMED_PACKET, refusalOf(subscribe(new byte[0], "t", 0x40)));
    }

    @Test
    void section_3_8_3_1_retainHandling3IsProtocolError() {
        assertEquals(ReasonCode.PROTOCOL_ERROR, refusalOf(subscribe(new byte[0], "t", 0x30)));
    }

    @Test
    void mqtt_3_8_3_2_subscribeWithoutFiltersIsProtocolError() {
        assertEquals(ReasonCode.PROTOCOL_ERROR, refusalOf(subscribe(new byte[0])));
    }

    @Test
    void mqtt_3_10_3_2_unsubscribeWithoutFiltersIsProtocolError() {
        byte[] body = new Bytes().u16(1).properties(new byte[0]).toArray();
        assertEquals(ReasonCode.PROTOCOL_ERROR, refusalOf(RawMqttClient.packet(0xA2, body)));
    }

    @Test
    void section_3_4_2_1_reasonCodeNotOfThePacketIsProtocolError() {
        byte[] pubackWith0x92 = new Bytes().u16(1).u8(0x92).toArray();
        assertEquals(ReasonCode.PROTOCOL_ERROR, refusalOf(RawMqttClient.packet(0x40, pubackWith0x92)));
        byte[] disconnectWith0x01 = new Bytes().u8(0x01).toArray();
        assertEquals(ReasonCode.PROTOCOL_ERROR, refusalOf(RawMqttClient.packet(0xE0, disconnectWith0x01)));
    }

    @Test
    void section_3_15_authPacketIsAcceptedAfterAnMqtt5Connect() {
        byte[] auth = new Bytes()
                .u8(0x18)
                .properties(props().u8(0x15)
                        .string("challenge")
                        .u8(0x16)
                        .binary(new byte[] {9})
                        .toArray())
                .toArray();
        try (Mqtt5Frames frames = Mqtt5Frames.connected()) {
            MqttMessage message = frames.decode(RawMqttClient.packet(0xF0, auth));
            assertEquals(MqttMessageType.AUTH, message.fixedHeader().messageType());
            assertTrue(message.decoderResult().isSuccess());
        }
        try (Mqtt5Frames frames = new Mqtt5Frames()) {
            ReferenceCountUtil.release(frames.decode(RawMqttClient.connectPacket("c", true, 60)));
            assertThrows(MalformedPacketException.class, () -> frames.decode(RawMqttClient.packet(0xF0, auth)));
        }
    }

    @Test
    void mqtt_3_2_2_15_packetAboveTheMaximumIsPacketTooLarge() {
        byte[] big = publish("t", 0, new byte[0], "x".repeat(Mqtt5Frames.MAX_PACKET_SIZE));
        assertEquals(ReasonCode.PACKET_TOO_LARGE, refusalOf(big));
    }
}
