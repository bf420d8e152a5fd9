package io.starling.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.starling.config.BrokerConfig;
import io.starling.protocol.ProtocolServices;
import io.starling.testing.Bounded;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.ErrorLogRecorder;
import io.starling.testing.FuzzInput;
import io.starling.testing.PipelineEnd;
import io.starling.testing.TestProtocolServices;
import io.starling.testing.TrackingAllocator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;

/**
 * Fuzzes one connection's state machine: an {@link EmbeddedChannel} with the pipeline
 * {@link MqttServer#addMqtt} builds for every listener (frame decoder, Netty's decoder and
 * encoder, {@code MqttConnection}) on broker services over in-memory storage, everything on
 * the channel's own thread. An input may start with a valid CONNECT (see {@link FuzzInput}) so
 * that the fuzzer works on connected sessions. Properties: no exception reaches the end of the
 * pipeline, no message passes {@code MqttConnection}, the broker logs no ERROR (it logs the
 * unexpected exceptions it catches), and every buffer is released once the channel is closed.
 * Without JAZZER_FUZZ it replays the seed corpus in
 * src/test/resources/io/starling/transport/MqttConnectionFuzzTestInputs/connection.
 */
class MqttConnectionFuzzTest {

    private static final BrokerConfig CONFIG = EmbeddedBroker.config(
            "mqtt.max-packet-size = 4096", "mqtt.max-inflight-messages = 4", "mqtt.max-queued-messages = 8");
    private static final ErrorLogRecorder ERRORS = ErrorLogRecorder.install();

    /** Per input: more means a hang. */
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @AfterAll
    static void restoreLogging() {
        ERRORS.uninstall();
    }

    @FuzzTest(maxDuration = "5m")
    void connection(byte[] data) {
        Bounded.run(LIMIT, () -> run(data));
    }

    private static void run(byte[] data) {
        FuzzInput input = FuzzInput.parse(data);
        ERRORS.drain();
        TrackingAllocator allocator = new TrackingAllocator();
        PipelineEnd end = new PipelineEnd(false);
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.config().setAllocator(allocator);
        // The services are made once the channel has its event loop, so that sessions run on it too.
        channel.pipeline().addLast(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ProtocolServices services = TestProtocolServices.create(ch.eventLoop(), CONFIG);
                new MqttServer(services, null, null, null).addMqtt(ch.pipeline());
                ch.pipeline().addLast("end", end);
            }
        });
        try {
            channel.register();
            input.writeTo(channel);
            if (input.advanceTime()) {
                channel.advanceTimeBy(1, TimeUnit.HOURS);
                channel.runScheduledPendingTasks();
            }
            channel.runPendingTasks();
            channel.close();
            channel.runPendingTasks();
        } catch (Exception e) {
            fail(e);
        } finally {
            channel.finishAndReleaseAll();
        }
        if (!end.exceptions().isEmpty()) {
            fail("exception reached the end of the pipeline", end.exceptions().get(0));
        }
        List<Object> passed = end.takeMessages();
        assertEquals(List.of(), passed.stream().map(Object::toString).toList(), "messages passed MqttConnection");
        assertEquals(List.of(), ERRORS.drain(), "the broker logged errors");
        assertEquals(0, allocator.unreleased(), "buffers not released");
    }
}
