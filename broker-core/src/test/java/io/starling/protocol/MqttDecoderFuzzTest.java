package io.starling.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.util.ReferenceCountUtil;
import io.starling.protocol.wire.MalformedPacketException;
import io.starling.testing.Bounded;
import io.starling.testing.FuzzInput;
import io.starling.testing.PipelineEnd;
import io.starling.testing.TrackingAllocator;
import java.time.Duration;
import java.util.List;

/**
 * Fuzzes the decoding path of every connection: {@link MqttFrameDecoder} followed by Netty's
 * {@link MqttDecoder}, as the server stacks them. Properties, for any bytes in any chunking:
 * the only exceptions that reach the end of the pipeline are the frame decoder's refusals
 * (which the connection turns into a close), what comes out is MQTT messages, and every buffer
 * is released once the messages are. Without JAZZER_FUZZ it replays the seed corpus in
 * src/test/resources/io/starling/protocol/MqttDecoderFuzzTestInputs/decode (see docs/FUZZING.md).
 */
class MqttDecoderFuzzTest {

    private static final int MAX_PACKET_SIZE = 4096;
    private static final int MAX_CLIENT_ID_LENGTH = 65535;

    /** Per input: more means a hang. */
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @FuzzTest(maxDuration = "5m")
    void decode(byte[] data) {
        Bounded.run(LIMIT, () -> run(data));
    }

    private static void run(byte[] data) {
        FuzzInput input = FuzzInput.parse(data);
        TrackingAllocator allocator = new TrackingAllocator();
        PipelineEnd end = new PipelineEnd(true);
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.config().setAllocator(allocator);
        channel.pipeline()
                .addLast(
                        new MqttFrameDecoder(MAX_PACKET_SIZE),
                        MqttFrameDecoder.nettyDecoder(MAX_PACKET_SIZE, MAX_CLIENT_ID_LENGTH),
                        end);
        try {
            channel.register();
            input.writeTo(channel);
            channel.close();
            channel.runPendingTasks();
            List<Object> messages = end.takeMessages();
            try {
                for (Object message : messages) {
                    assertTrue(message instanceof MqttMessage, "not an MQTT message: " + message);
                    MqttMessage mqtt = (MqttMessage) message;
                    if (mqtt.decoderResult().isSuccess()) {
                        assertTrue(mqtt.fixedHeader() != null, "decoded message without fixed header");
                    }
                }
            } finally {
                messages.forEach(ReferenceCountUtil::release);
            }
            for (Throwable cause : end.exceptions()) {
                if (!(cause instanceof MalformedPacketException
                        || cause instanceof UnsupportedProtocolLevelException)) {
                    fail("unexpected exception at the end of the pipeline", cause);
                }
            }
        } catch (Exception e) {
            fail(e);
        } finally {
            channel.finishAndReleaseAll();
        }
        assertEquals(0, allocator.unreleased(), "buffers not released");
    }
}
