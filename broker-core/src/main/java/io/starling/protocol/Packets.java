package io.starling.protocol;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.starling.protocol.mqtt5.PropertyId;
import io.starling.protocol.mqtt5.ReasonCode;
import io.starling.spi.StoredMessage;
import java.util.List;

/** Builders of the packets the broker sends, MQTT 3.1.1 and 5. */
final class Packets {

    static final MqttMessage PINGRESP =
            new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false, MqttQoS.AT_MOST_ONCE, false, 0));

    private Packets() {}

    static MqttConnAckMessage connack(MqttConnectReturnCode code, boolean sessionPresent) {
        return new MqttConnAckMessage(
                new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttConnAckVariableHeader(code, sessionPresent));
    }

    /** PUBACK, PUBREC, PUBREL (flags 0010), PUBCOMP and UNSUBACK: a packet id and nothing else. */
    static MqttMessage ack(MqttMessageType type, int packetId) {
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        MqttFixedHeader header = new MqttFixedHeader(type, false, qos, false, 2);
        MqttMessageIdVariableHeader id = MqttMessageIdVariableHeader.from(packetId);
        return type == MqttMessageType.UNSUBACK ? new MqttUnsubAckMessage(header, id) : new MqttMessage(header, id);
    }

    static MqttSubAckMessage suback(int packetId, List<Integer> returnCodes) {
        return new MqttSubAckMessage(
                new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                MqttMessageIdVariableHeader.from(packetId),
                new MqttSubAckPayload(returnCodes));
    }

    /** The payload is wrapped, not copied: every subscriber's packet shares the message's bytes. */
    static MqttPublishMessage publish(StoredMessage message, int qos, int packetId, boolean dup) {
        return publish(message, message.topic(), qos, packetId, dup, MqttProperties.NO_PROPERTIES);
    }

    /** An MQTT 5 PUBLISH with its properties and topic name (empty when a Topic Alias stands for it). */
    static MqttPublishMessage publish(
            StoredMessage message, String topicName, int qos, int packetId, boolean dup, MqttProperties properties) {
        return new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), message.retain(), 0),
                new MqttPublishVariableHeader(topicName, qos == 0 ? -1 : packetId, properties),
                Unpooled.wrappedBuffer(message.payload()));
    }

    /** An MQTT 5 CONNACK: its reason code and properties. */
    static MqttConnAckMessage connack(ReasonCode code, boolean sessionPresent, MqttProperties properties) {
        return new MqttConnAckMessage(
                new MqttFixedHeader(MqttMessageType.CONNACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttConnAckVariableHeader(
                        MqttConnectReturnCode.valueOf(code.byteValue()), sessionPresent, properties));
    }

    /**
     * An MQTT 5 PUBACK, PUBREC, PUBREL or PUBCOMP; success without a reason string is the
     * short form (packet id only, section 3.4.2.1).
     */
    static MqttMessage ack(MqttMessageType type, int packetId, ReasonCode code, String reasonString) {
        if (code == ReasonCode.SUCCESS && reasonString == null) {
            return ack(type, packetId);
        }
        MqttQoS qos = type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE;
        return new MqttMessage(
                new MqttFixedHeader(type, false, qos, false, 0),
                new MqttPubReplyMessageVariableHeader(packetId, code.byteValue(), reasonString(reasonString)));
    }

    /** An MQTT 5 UNSUBACK: one reason code per topic filter of the UNSUBSCRIBE [MQTT-3.11.3-1]. */
    static MqttUnsubAckMessage unsuback(int packetId, List<ReasonCode> codes) {
        short[] values = new short[codes.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) codes.get(i).value();
        }
        return new MqttUnsubAckMessage(
                new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
                new MqttUnsubAckPayload(values));
    }

    /** A server's DISCONNECT (MQTT 5 only), with a reason string for a person and a server reference, if any. */
    static MqttMessage disconnect(ReasonCode code, String reasonString, String serverReference) {
        MqttProperties properties = reasonString(reasonString);
        if (serverReference != null && !serverReference.isEmpty()) {
            properties.add(new MqttProperties.StringProperty(PropertyId.SERVER_REFERENCE.id(), serverReference));
        }
        return new MqttMessage(
                new MqttFixedHeader(MqttMessageType.DISCONNECT, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader(code.byteValue(), properties));
    }

    /** An MQTT 5 AUTH: its reason code and properties (Authentication Method and Data). */
    static MqttMessage auth(ReasonCode code, MqttProperties properties) {
        return new MqttMessage(
                new MqttFixedHeader(MqttMessageType.AUTH, false, MqttQoS.AT_MOST_ONCE, false, 0),
                new MqttReasonCodeAndPropertiesVariableHeader(code.byteValue(), properties));
    }

    private static MqttProperties reasonString(String reasonString) {
        MqttProperties properties = new MqttProperties();
        if (reasonString != null) {
            properties.add(new MqttProperties.StringProperty(PropertyId.REASON_STRING.id(), reasonString));
        }
        return properties;
    }
}
