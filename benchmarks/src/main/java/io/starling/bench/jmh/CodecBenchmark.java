package io.starling.bench.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.starling.protocol.MqttFrameDecoder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The broker's codec path for one QoS 1 PUBLISH: decoding through the same handlers as its
 * pipeline (frame checks, then Netty's {@code MqttDecoder}) and encoding with
 * {@code MqttEncoder}. Each operation is one packet, buffers released as the broker does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CodecBenchmark {

    private static final String TOPIC = "site/42/dev/417/temperature";
    private static final int MAX_PACKET = 1024 * 1024;
    /** The broker's default ({@code starling.mqtt.max-client-id-length}). */
    private static final int MAX_CLIENT_ID_LENGTH = 256;

    @Param({"64", "1024"})
    public int payloadSize;

    private byte[] payload;
    private ByteBuf encodedPublish;
    private EmbeddedChannel decoder;
    private EmbeddedChannel encoder;

    @Setup
    public void setUp() {
        payload = new byte[payloadSize];
        encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        decoder = new EmbeddedChannel(
                new MqttFrameDecoder(MAX_PACKET), MqttFrameDecoder.nettyDecoder(MAX_PACKET, MAX_CLIENT_ID_LENGTH));
        encoder.writeOutbound(publish());
        ByteBuf encoded = encoder.readOutbound();
        encodedPublish = Unpooled.unreleasableBuffer(
                Unpooled.directBuffer(encoded.readableBytes()).writeBytes(encoded));
        encoded.release();
    }

    @TearDown
    public void tearDown() {
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }

    private MqttPublishMessage publish() {
        return new MqttPublishMessage(
                new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.AT_LEAST_ONCE, false, 0),
                new MqttPublishVariableHeader(TOPIC, 7),
                Unpooled.wrappedBuffer(payload));
    }

    @Benchmark
    public int decode() {
        decoder.writeInbound(encodedPublish.duplicate());
        MqttMessage message = decoder.readInbound();
        int packetId = ((MqttPublishVariableHeader) message.variableHeader()).packetId();
        ((MqttPublishMessage) message).release();
        return packetId;
    }

    @Benchmark
    public int encode() {
        encoder.writeOutbound(publish());
        ByteBuf encoded = encoder.readOutbound();
        int size = encoded.readableBytes();
        encoded.release();
        return size;
    }
}
