package io.starling.bench;

import io.netty.handler.codec.mqtt.MqttVersion;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

/**
 * The MQTT load generator: one scenario per run against a broker on loopback, counts
 * verified, figures printed (the last line, {@code RESULT ...}, for scripts).
 * Exit status: 0 passed, 1 the broker broke a delivery promise, 2 bad options, 3 the run
 * could not be carried out (connection refused, setup timed out).
 */
public final class LoadGenerator {

    private LoadGenerator() {}

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LoadGenerator: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        try {
            Result result = run(options);
            result.print(System.out);
            System.exit(result.passed() ? 0 : 1);
        } catch (TimeoutException | RuntimeException e) {
            System.err.println("LoadGenerator: run failed: " + e);
            System.exit(3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(3);
        }
    }

    public static Result run(Options options) throws InterruptedException, TimeoutException {
        // A run id keeps client ids and topics apart from earlier runs against the same broker.
        String runId = options.runId().isEmpty()
                ? HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt())
                : options.runId();
        BrokerProbe probe = new BrokerProbe(options.brokerPid(), options.subscriberBrokerPid());
        try (DashboardPoller dashboard = DashboardPoller.start(options.dashboard(), options.dashboardToken());
                Connector connector = new Connector(
                        options.host(),
                        options.port(),
                        options.threads(),
                        options.tls(),
                        options.scenario() == Scenario.STORM
                                        || options.scenario() == Scenario.FAILOVER
                                        || options.scenario() == Scenario.GUESS
                                ? StormRun::password
                                : null,
                        options.pending(),
                        options.mqttVersion() == 5 ? MqttVersion.MQTT_5 : MqttVersion.MQTT_3_1_1)) {
            return switch (options.scenario()) {
                case FAN_IN, FAN_OUT, POINT_TO_POINT, SHARED ->
                    new TrafficRun(options, connector, connector.to(options.subscriberPortOrDefault()), probe, runId)
                            .run();
                case IDLE -> new IdleRun(options, connector, probe, runId).run();
                case DRAIN -> new DrainRun(options, connector, probe, runId).run();
                case STORM -> new StormRun(options, connector, probe).run();
                case FAILOVER -> new FailoverRun(options, connector, probe).run();
                case GUESS -> new GuessRun(options, connector, probe).run();
                case OFFLINE -> new OfflineRun(options, connector, probe, runId).run();
            };
        }
    }
}
