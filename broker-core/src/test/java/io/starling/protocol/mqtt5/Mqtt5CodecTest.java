package io.starling.protocol.mqtt5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttProperties.BinaryProperty;
import io.netty.handler.codec.mqtt.MqttProperties.IntegerProperty;
import io.netty.handler.codec.mqtt.MqttProperties.StringProperty;
import io.netty.handler.codec.mqtt.MqttProperties.UserProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MQTT 5 both ways: every packet type, with every property it may carry, encoded as the broker
 * encodes (Netty's encoder on a version-5 channel), passed through the MQTT 5 check of the
 * receiving side (server or client) and decoded again, properties equal and user properties in
 * their order.
 */
class Mqtt5CodecTest {

    private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    @Test
    void everyClientPacketSurvivesEncodeCheckDecode() {
        MqttProperties connectProperties = properties(
                int32(PropertyId.SESSION_EXPIRY_INTERVAL, 3600),
                int32(PropertyId.RECEIVE_MAXIMUM, 20),
                int32(PropertyId.MAXIMUM_PACKET_SIZE, 100_000),
                int32(PropertyId.TOPIC_ALIAS_MAXIMUM, 5),
                int32(PropertyId.REQUEST_RESPONSE_INFORMATION, 1),
                int32(PropertyId.REQUEST_PROBLEM_INFORMATION, 0),
                string(PropertyId.AUTHENTICATION_METHOD, "SCRAM"),
                binary(PropertyId.AUTHENTICATION_DATA, new byte[] {1, 2, 3}),
                users("z", "1", "a", "2", "z", "3"));
        MqttProperties willProperties = properties(
                int32(PropertyId.WILL_DELAY_INTERVAL, 30),
                int32(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1),
                int32(PropertyId.MESSAGE_EXPIRY_INTERVAL, 60),
                string(PropertyId.CONTENT_TYPE, "text/plain"),
                string(PropertyId.RESPONSE_TOPIC, "reply/here"),
                binary(PropertyId.CORRELATION_DATA, new byte[] {7}),
                users("w", "1"));
        MqttConnectMessage connect = new MqttConnectMessage(
                header(MqttMessageType.CONNECT, MqttQoS.AT_MOST_ONCE),
                new MqttConnectVariableHeader("MQTT", 5, true, true, false, 1, true, true, 30, connectProperties),
                new MqttConnectPayload(
                        "client-1",
                        willProperties,
                        "will/topic",
                        "bye".getBytes(StandardCharsets.UTF_8),
                        "user",
                        "secret".getBytes(StandardCharsets.UTF_8)));
        MqttProperties publishProperties = properties(
                int32(PropertyId.PAYLOAD_FORMAT_INDICATOR, 1),
                int32(PropertyId.MESSAGE_EXPIRY_INTERVAL, 10),
                int32(PropertyId.TOPIC_ALIAS, 3),
                string(PropertyId.CONTENT_TYPE, "application/json"),
                string(PropertyId.RESPONSE_TOPIC, "r"),
                binary(PropertyId.CORRELATION_DATA, new byte[] {4, 5}),
                users("b", "1", "a", "2"));
        List<MqttMessage> sent = List.of(
                connect,
                new MqttPublishMessage(
                        header(MqttMessageType.PUBLISH, MqttQoS.AT_LEAST_ONCE),
                        new MqttPublishVariableHeader("a/b", 7, publishProperties),
                        Unpooled.wrappedBuffer(new byte[] {42})),
                pubReply(MqttMessageType.PUBACK, ReasonCode.NO_MATCHING_SUBSCRIBERS),
                pubReply(MqttMessageType.PUBREC, ReasonCode.QUOTA_EXCEEDED),
                pubReply(MqttMessageType.PUBREL, ReasonCode.PACKET_IDENTIFIER_NOT_FOUND),
                pubReply(MqttMessageType.PUBCOMP, ReasonCode.SUCCESS),
                new MqttSubscribeMessage(
                        header(MqttMessageType.SUBSCRIBE, MqttQoS.AT_LEAST_ONCE),
                        new MqttMessageIdAndPropertiesVariableHeader(
                                9, properties(int32(PropertyId.SUBSCRIPTION_IDENTIFIER, 77), users("s", "1"))),
                        new MqttSubscribePayload(List.of(new MqttTopicSubscription(
                                "x/#",
                                new MqttSubscriptionOption(
                                        MqttQoS.EXACTLY_ONCE,
                                        true,
                                        true,
                                        MqttSubscriptionOption.RetainedHandlingPolicy
                                                .SEND_AT_SUBSCRIBE_IF_NOT_YET_EXISTS))))),
                new MqttUnsubscribeMessage(
                        header(MqttMessageType.UNSUBSCRIBE, MqttQoS.AT_LEAST_ONCE),
                        new MqttMessageIdAndPropertiesVariableHeader(10, properties(users("u", "1"))),
                        new MqttUnsubscribePayload(List.of("x/#", "y"))),
                new MqttMessage(header(MqttMessageType.PINGREQ, MqttQoS.AT_MOST_ONCE)),
                reasonAndProperties(
                        MqttMessageType.AUTH,
                        ReasonCode.CONTINUE_AUTHENTICATION,
                        properties(
                                string(PropertyId.AUTHENTICATION_METHOD, "SCRAM"),
                                binary(PropertyId.AUTHENTICATION_DATA, new byte[] {8}),
                                string(PropertyId.REASON_STRING, "more"))),
                reasonAndProperties(
                        MqttMessageType.DISCONNECT,
                        ReasonCode.DISCONNECT_WITH_WILL_MESSAGE,
                        properties(
                                int32(PropertyId.SESSION_EXPIRY_INTERVAL, 0),
                                string(PropertyId.REASON_STRING, "done"),
                                users("d", "1"))));
        List<MqttMessage> received = roundTrip(sent, Mqtt5PacketCheck.server(10));
        assertSame(sent, received);
        MqttConnectMessage decoded = (MqttConnectMessage) received.get(0);
        assertEquals(5, decoded.variableHeader().version());
        assertEquals("will/topic", decoded.payload().willTopic());
        assertArrayEquals(
                "secret".getBytes(StandardCharsets.UTF_8), decoded.payload().passwordInBytes());
        MqttSubscriptionOption option = ((MqttSubscribeMessage) received.get(6))
                .payload()
                .topicSubscriptions()
                .get(0)
                .option();
        assertTrue(option.isNoLocal());
        assertTrue(option.isRetainAsPublished());
        assertEquals(
                MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE_IF_NOT_YET_EXISTS,
                option.retainHandling());
        received.forEach(ReferenceCountUtil::release);
        sent.forEach(ReferenceCountUtil::release);
    }

    @Test
    void everyServerPacketSurvivesEncodeCheckDecode() {
        MqttProperties connackProperties = properties(
                int32(PropertyId.SESSION_EXPIRY_INTERVAL, 60),
                int32(PropertyId.RECEIVE_MAXIMUM, 100),
                int32(PropertyId.MAXIMUM_QOS, 1),
                int32(PropertyId.RETAIN_AVAILABLE, 1),
                int32(PropertyId.MAXIMUM_PACKET_SIZE, 268_435_460),
                string(PropertyId.ASSIGNED_CLIENT_IDENTIFIER, "auto-1"),
                int32(PropertyId.TOPIC_ALIAS_MAXIMUM, 10),
                string(PropertyId.REASON_STRING, "welcome"),
                int32(PropertyId.WILDCARD_SUBSCRIPTION_AVAILABLE, 1),
                int32(PropertyId.SUBSCRIPTION_IDENTIFIER_AVAILABLE, 1),
                int32(PropertyId.SHARED_SUBSCRIPTION_AVAILABLE, 0),
                int32(PropertyId.SERVER_KEEP_ALIVE, 120),
                string(PropertyId.RESPONSE_INFORMATION, "resp/"),
                string(PropertyId.SERVER_REFERENCE, "other:1883"),
                string(PropertyId.AUTHENTICATION_METHOD, "SCRAM"),
                binary(PropertyId.AUTHENTICATION_DATA, new byte[] {1}),
                users("c", "1"));
        MqttProperties publishProperties = properties(
                int32(PropertyId.SUBSCRIPTION_IDENTIFIER, 1),
                int32(PropertyId.SUBSCRIPTION_IDENTIFIER, 268_435_455),
                int32(PropertyId.TOPIC_ALIAS, 2),
                users("p", "1"));
        List<MqttMessage> sent = List.of(
                new MqttConnAckMessage(
                        header(MqttMessageType.CONNACK, MqttQoS.AT_MOST_ONCE),
                        new MqttConnAckVariableHeader(
                                MqttConnectReturnCode.CONNECTION_ACCEPTED, true, connackProperties)),
                new MqttPublishMessage(
                        header(MqttMessageType.PUBLISH, MqttQoS.EXACTLY_ONCE),
                        new MqttPublishVariableHeader("", 3, publishProperties),
                        Unpooled.wrappedBuffer(new byte[] {1})),
                new MqttSubAckMessage(
                        header(MqttMessageType.SUBACK, MqttQoS.AT_MOST_ONCE),
                        new MqttMessageIdAndPropertiesVariableHeader(
                                4, properties(string(PropertyId.REASON_STRING, "partly"))),
                        new MqttSubAckPayload(0x02, 0x87, 0xA2)),
                new MqttUnsubAckMessage(
                        header(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE),
                        new MqttMessageIdAndPropertiesVariableHeader(5, properties(users("x", "y"))),
                        new MqttUnsubAckPayload((short) 0x00, (short) 0x11)),
                new MqttMessage(header(MqttMessageType.PINGRESP, MqttQoS.AT_MOST_ONCE)),
                reasonAndProperties(
                        MqttMessageType.DISCONNECT,
                        ReasonCode.SERVER_MOVED,
                        properties(string(PropertyId.SERVER_REFERENCE, "b:1883"))));
        List<MqttMessage> received = roundTrip(sent, Mqtt5PacketCheck.client(10));
        assertSame(sent, received);
        assertEquals(
                List.of(0x02, 0x87, 0xA2),
                ((MqttSubAckMessage) received.get(2)).payload().reasonCodes());
        received.forEach(ReferenceCountUtil::release);
        sent.forEach(ReferenceCountUtil::release);
    }

    /** Encodes each message on a version-5 channel, checks its bytes, decodes them on another. */
    private static List<MqttMessage> roundTrip(List<MqttMessage> messages, Mqtt5PacketCheck check) {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        encoder.attr(VERSION).set(MqttVersion.MQTT_5);
        EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder(300_000_000));
        decoder.attr(VERSION).set(MqttVersion.MQTT_5);
        try {
            for (MqttMessage message : messages) {
                // The encoder releases what it writes; the test compares the payloads afterwards.
                assertTrue(encoder.writeOutbound(ReferenceCountUtil.retain(message)));
                ByteBuf bytes = encoder.readOutbound();
                checkFrame(check, bytes);
                decoder.writeInbound(bytes);
            }
            List<MqttMessage> decoded = new java.util.ArrayList<>();
            for (MqttMessage message; (message = decoder.readInbound()) != null; ) {
                decoded.add(message);
                assertTrue(
                        message.decoderResult().isSuccess(),
                        message.decoderResult().toString());
            }
            return decoded;
        } finally {
            encoder.finishAndReleaseAll();
            decoder.finishAndReleaseAll();
        }
    }

    private static void checkFrame(Mqtt5PacketCheck check, ByteBuf frame) {
        int first = frame.getUnsignedByte(0);
        int remaining = VariableByteInteger.read(frame, 1, frame.writerIndex(), "remaining length");
        int body = 1 + VariableByteInteger.encodedLength(remaining);
        if (first >> 4 == 1) {
            check.checkConnect(frame, body + 2 + frame.getUnsignedShort(body), frame.writerIndex());
        } else {
            check.check(frame, first, body, frame.writerIndex());
        }
    }

    /** Same types, same properties (compared by their wire form), same payloads. */
    private static void assertSame(List<MqttMessage> sent, List<MqttMessage> received) {
        assertEquals(sent.size(), received.size());
        for (int i = 0; i < sent.size(); i++) {
            MqttMessage a = sent.get(i);
            MqttMessage b = received.get(i);
            assertEquals(a.fixedHeader().messageType(), b.fixedHeader().messageType());
            assertEquals(describe(a.variableHeader()), describe(b.variableHeader()), "packet " + i);
            if (a.payload() instanceof ByteBuf payload) {
                assertEquals(ByteBufUtil.hexDump(payload), ByteBufUtil.hexDump((ByteBuf) b.payload()));
            } else if (a.payload() instanceof MqttConnectPayload connect) {
                assertEquals(
                        describe(connect.willProperties()),
                        describe(((MqttConnectPayload) b.payload()).willProperties()));
            }
        }
    }

    /** A variable header or properties as text with every property in wire order (Netty's toString omits them). */
    private static String describe(Object header) {
        if (header == null) {
            return "none";
        }
        MqttProperties properties;
        if (header instanceof MqttProperties p) {
            properties = p;
        } else {
            try {
                properties = (MqttProperties)
                        header.getClass().getMethod("properties").invoke(header);
            } catch (ReflectiveOperationException e) {
                return header.toString();
            }
        }
        StringBuilder text = new StringBuilder();
        for (String field : List.of("reasonCode", "messageId", "topicName", "connectReturnCode")) {
            try {
                text.append(field)
                        .append('=')
                        .append(header.getClass().getMethod(field).invoke(header))
                        .append(' ');
            } catch (ReflectiveOperationException e) {
                // This header has no such field.
            }
        }
        for (MqttProperties.MqttProperty<?> property : properties.listAll()) {
            Object value = property.value();
            if (value instanceof byte[] bytes) {
                value = java.util.Arrays.toString(bytes);
            } else if (value instanceof List<?> list) {
                value = list.stream()
                        .map(p -> ((MqttProperties.StringPair) p).key + "=" + ((MqttProperties.StringPair) p).value)
                        .toList();
            }
            text.append(property.propertyId()).append(':').append(value).append(' ');
        }
        return text.toString();
    }

    private static MqttFixedHeader header(MqttMessageType type, MqttQoS qos) {
        return new MqttFixedHeader(type, false, qos, false, 0);
    }

    private static MqttMessage pubReply(MqttMessageType type, ReasonCode code) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(
                header(type, qos),
                new MqttPubReplyMessageVariableHeader(
                        3, code.byteValue(), properties(string(PropertyId.REASON_STRING, "why"), users("r", "1"))));
    }

    private static MqttMessage reasonAndProperties(MqttMessageType type, ReasonCode code, MqttProperties properties) {
        return new MqttMessage(
                header(type, MqttQoS.AT_MOST_ONCE),
                new MqttReasonCodeAndPropertiesVariableHeader(code.byteValue(), properties));
    }

    private static MqttProperties properties(MqttProperties.MqttProperty<?>... properties) {
        MqttProperties all = new MqttProperties();
        for (MqttProperties.MqttProperty<?> property : properties) {
            all.add(property);
        }
        return all;
    }

    private static IntegerProperty int32(PropertyId id, int value) {
        return new IntegerProperty(id.id(), value);
    }

    private static StringProperty string(PropertyId id, String value) {
        return new StringProperty(id.id(), value);
    }

    private static BinaryProperty binary(PropertyId id, byte[] value) {
        return new BinaryProperty(id.id(), value);
    }

    private static UserProperties users(String... keysAndValues) {
        UserProperties users = new UserProperties();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            users.add(keysAndValues[i], keysAndValues[i + 1]);
        }
        return users;
    }
}
