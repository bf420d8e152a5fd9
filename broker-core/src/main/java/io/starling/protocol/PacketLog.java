package io.starling.protocol;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-packet log lines in mosquitto -v style, e.g.
 * {@code Received PUBLISH from c1 (d0, q1, r0, m7, 'a/b', ... (12 bytes))} and
 * {@code Sending PUBACK to c1 (m7, rc0)}. Written only in verbose mode ({@code -v}).
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
        if (message.variableHeader() instanceof MqttMessageIdVariableHeader id) {
            return " (m" + id.messageId() + ", rc0)";
        }
        return "";
    }
}
