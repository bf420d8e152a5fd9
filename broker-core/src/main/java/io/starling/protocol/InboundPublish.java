package io.starling.protocol;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttPublishMessage;

/** A received PUBLISH with its payload copied out of the network buffer, which is released at once. */
record InboundPublish(String topic, int qos, boolean retain, boolean dup, int packetId, byte[] payload) {

    /** @param topic the topic name, or for an MQTT 5 PUBLISH with a Topic Alias the topic it stands for */
    static InboundPublish of(MqttPublishMessage message, String topic) {
        return new InboundPublish(
                topic,
                message.fixedHeader().qosLevel().value(),
                message.fixedHeader().isRetain(),
                message.fixedHeader().isDup(),
                message.variableHeader().packetId(),
                ByteBufUtil.getBytes(message.payload()));
    }
}
