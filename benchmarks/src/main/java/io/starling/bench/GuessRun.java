package io.starling.bench;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * Password guessers against one legitimate client. The legitimate client ({@code storm-0}, with
 * its password) connects and disconnects {@link #SAMPLES} times on the idle broker, then the
 * same while {@code clients} guessers, each from its own loopback address (127.0.0.2 and up),
 * send CONNECTs with wrong passwords for unknown user names, one after the other, as fast as the
 * broker answers. Reported: its CONNECT-to-CONNACK time in both cases, and the guesses answered
 * per second (by CONNACK code: 4 checked, 5 refused without a check).
 */
final class GuessRun {

    private static final int SAMPLES = 200;
    private static final MqttClient.Listener SILENT = new MqttClient.Listener() {};

    private final Options options;
    private final Connector connector;
    private final BrokerProbe probe;
    private final AtomicBoolean guessing = new AtomicBoolean(true);
    /** Answers by CONNACK return code 0-5. */
    private final AtomicLongArray answers = new AtomicLongArray(6);

    GuessRun(Options options, Connector connector, BrokerProbe probe) {
        this.options = options;
        this.connector = connector;
        this.probe = probe;
    }

    Result run() throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + options.duration().toNanos();
        Histogram idle = legitimateConnects(deadline);
        double cpuBefore = probe.cpuSeconds();
        double compilerBefore = probe.compilerCpuSeconds();
        long start = System.nanoTime();
        for (int i = 0; i < options.clients(); i++) {
            guess(i);
        }
        Histogram attacked;
        try {
            attacked = legitimateConnects(deadline);
        } finally {
            guessing.set(false);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long answered = answers.get(4) + answers.get(5);
        List<String> failures = new ArrayList<>();
        if (answers.get(0) > 0) {
            failures.add(answers.get(0) + " guesses were accepted");
        }
        return new Result(
                options,
                answered,
                answered,
                seconds,
                cpuBefore,
                probe.cpuSeconds(),
                probe.compilerCpuSeconds() - compilerBefore,
                attacked,
                Double.NaN,
                Double.NaN,
                null,
                failures,
                List.of(
                        String.format(
                                Locale.ROOT,
                                "legitimate CONNECT alone: p50 %d us, p99 %d us; under %d guessers: p50 %d us,"
                                        + " p99 %d us",
                                idle.getValueAtPercentile(50),
                                idle.getValueAtPercentile(99),
                                options.clients(),
                                attacked.getValueAtPercentile(50),
                                attacked.getValueAtPercentile(99)),
                        String.format(
                                Locale.ROOT,
                                "guesses answered with CONNACK 4: %d, with CONNACK 5: %d",
                                answers.get(4),
                                answers.get(5))));
    }

    /** The legitimate client's CONNECT-to-CONNACK times, in microseconds, one connection after the other. */
    private Histogram legitimateConnects(long deadlineNanos) throws InterruptedException, TimeoutException {
        Histogram micros = new Histogram(60_000_000, 3);
        for (int i = 0; i < SAMPLES; i++) {
            long sent = System.nanoTime();
            MqttClient client = Connector.await(connector.connect("storm-0", true, SILENT), deadlineNanos, "CONNACK");
            micros.recordValue(Math.min(60_000_000, (System.nanoTime() - sent) / 1000));
            client.disconnect().await(Connector.remaining(deadlineNanos), TimeUnit.NANOSECONDS);
        }
        return micros;
    }

    /** One guess from guesser {@code index}; the next starts when the broker has answered (or closed). */
    private void guess(int index) {
        if (!guessing.get()) {
            return;
        }
        String address = "127.0.0." + (2 + index);
        connector
                .connectFrom(address, new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.writeAndFlush(MqttMessageBuilders.connect()
                                .clientId("guesser-" + index)
                                .protocolVersion(MqttVersion.MQTT_3_1_1)
                                .cleanSession(true)
                                .hasUser(true)
                                .username("guess-user-" + index)
                                .hasPassword(true)
                                .password(("guess-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8))
                                .build());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object message) {
                        if (message instanceof MqttConnAckMessage connack) {
                            answers.incrementAndGet(
                                    connack.variableHeader().connectReturnCode().byteValue());
                        }
                        ReferenceCountUtil.release(message);
                        ctx.close();
                    }
                })
                .addListener(connected -> {
                    if (connected.isSuccess()) {
                        ((ChannelFuture) connected).channel().closeFuture().addListener(closed -> guess(index));
                    }
                });
    }
}
