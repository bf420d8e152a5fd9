package io.starling.protocol;

import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-packet log lines in mosquitto -v style, e.g.
 * {@code Received PUBLISH from c1 (d0, q1, r0, m7, 'a/b', ... (12 bytes))} and
 * {@code Sending PUBACK to c1 (m7, rc0)}; CONNACK with session present and its code, {@code
 * Sending CONNACK to c1 (0, 0)}; for MQTT 5 with the reason codes:, {@code Sending PUBACK to c1 (m7, rc135)}, {@code Sending DISCONNECT to c1
 * (rc142)}. Written only in verbose mode ({@code -v}).
 */
public final class PacketLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.starling.packets");

    private final boolean enabled;

    public PacketLog(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    public void received(String clientId, MqttMessage message) {
        if (enabled) {
            LOG.info("Received {} from {}{}", message.fixedHeader().messageType(), clientId, details(message));
        }
    }

    public void sending(String clientId, MqttMessage message) {
        if (enabled) {
            LOG.info("Sending {} to {}{}", message.fixedHeader().messageType(), clientId, details(message));
        }
    }

    private static String details(MqttMessage message) {
        if (message instanceof MqttPublishMessage publish) {
            MqttPublishVariableHeader header = publish.variableHeader();
            return String.format(
                    " (d%d, q%d, r%d, m%d, '%s', ... (%d bytes))",
                    publish.fixedHeader().isDup() ? 1 : 0,
                    publish.fixedHeader().qosLevel().value(),
                    publish.fixedHeader().isRetain() ? 1 : 0,
                    Math.max(header.packetId(), 0),
                    header.topicName(),
                    publish.payload().readableBytes());
        }
        if (message.variableHeader() instanceof MqttPubReplyMessageVariableHeader reply) {
            return " (m" + reply.messageId() + ", rc" + (reply.reasonCode() & 0xFF) + ")";
        }
        if (message.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader reason) {
            return " (rc" + (reason.reasonCode() & 0xFF) + ")";
        }
        if (message.variableHeader() instanceof MqttConnAckVariableHeader connack) {
            return " (" + (connack.isSessionPresent() ? 1 : 0) + ", "
                    + (connack.connectReturnCode().byteValue() & 0xFF) + ")";
        }
        if (message.variableHeader() instanceof MqttMessageIdVariableHeader id) {
            return " (m" + id.messageId() + ", rc0)";
        }
        return "";
    }
}
