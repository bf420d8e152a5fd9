package io.starling.protocol;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.starling.spi.MessageProperties;

/** A received PUBLISH with its payload copied out of the network buffer, which is released at once. */
record InboundPublish(
        String topic,
        int qos,
        boolean retain,
        boolean dup,
        int packetId,
        byte[] payload,
        MessageProperties properties) {

    /**
     * @param topic      the topic name, or for an MQTT 5 PUBLISH with a Topic Alias the topic it stands for
     * @param properties what an MQTT 5 PUBLISH carries onward ({@link MessageProperties#NONE} for 3.1.1)
     */
    static InboundPublish of(MqttPublishMessage message, String topic, MessageProperties properties) {
        return new InboundPublish(
                topic,
                message.fixedHeader().qosLevel().value(),
                message.fixedHeader().isRetain(),
                message.fixedHeader().isDup(),
                message.variableHeader().packetId(),
                ByteBufUtil.getBytes(message.payload()),
                properties);
    }
}
