package io.starling.protocol.mqtt5;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.ReferenceCountUtil;
import io.starling.protocol.MqttFrameDecoder;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoding end of a broker connection ({@link MqttFrameDecoder} and Netty's decoder) fed
 * raw MQTT 5 bytes, starting with a version-5 CONNECT, so that tests can send each packet the
 * standard forbids and read what the check made of it.
 */
final class Mqtt5Frames implements AutoCloseable {

    static final int MAX_PACKET_SIZE = 4096;
    static final int TOPIC_ALIAS_MAXIMUM = 10;

    private final EmbeddedChannel channel = new EmbeddedChannel(
            new MqttFrameDecoder(MAX_PACKET_SIZE, TOPIC_ALIAS_MAXIMUM),
            MqttFrameDecoder.nettyDecoder(MAX_PACKET_SIZE, 65535));

    /** A connection that has sent a plain MQTT 5 CONNECT. */
    static Mqtt5Frames connected() {
        Mqtt5Frames frames = new Mqtt5Frames();
        ReferenceCountUtil.release(frames.decode(connect(0x02, new byte[0], "c")));
        return frames;
    }

    /** Decodes one packet; throws what the checks throw. */
    MqttMessage decode(byte[] packet) {
        channel.writeInbound(Unpooled.wrappedBuffer(packet));
        MqttMessage message = channel.readInbound();
        if (message == null) {
            throw new AssertionError("no packet decoded");
        }
        return message;
    }

    /** Decodes packets and returns them in order. */
    List<MqttMessage> decodeAll(byte[]... packets) {
        List<MqttMessage> messages = new ArrayList<>();
        for (byte[] packet : packets) {
            messages.add(decode(packet));
        }
        return messages;
    }

    @Override
    public void close() {
        channel.finishAndReleaseAll();
    }

    /** A version-5 CONNECT: flags, properties (without their length), then the payload strings. */
    static byte[] connect(int flags, byte[] properties, String... payload) {
        Bytes body = new Bytes().string("MQTT").u8(5).u8(flags).u16(60).properties(properties);
        for (String field : payload) {
            body.string(field);
        }
        return RawMqttClient.packet(RawMqttClient.CONNECT << 4, body.toArray());
    }

    static byte[] publish(String topic, int qos, byte[] properties, String payload) {
        Bytes body = new Bytes().string(topic);
        if (qos > 0) {
            body.u16(1);
        }
        body.properties(properties).raw(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return RawMqttClient.packet((RawMqttClient.PUBLISH << 4) | (qos << 1), body.toArray());
    }

    static byte[] subscribe(byte[] properties, Object... filtersAndOptions) {
        Bytes body = new Bytes().u16(1).properties(properties);
        for (int i = 0; i < filtersAndOptions.length; i += 2) {
            body.string((String) filtersAndOptions[i]).u8((Integer) filtersAndOptions[i + 1]);
        }
        return RawMqttClient.packet((RawMqttClient.SUBSCRIBE << 4) | 0x02, body.toArray());
    }

    static Bytes props() {
        return new Bytes();
    }
}
