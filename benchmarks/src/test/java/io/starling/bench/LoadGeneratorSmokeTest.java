package io.starling.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.AuthResult;
import io.starling.spi.Authenticator;
import io.starling.storage.memory.InMemoryStorageProvider;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The QUICK=1 run: every scenario of the load generator at small counts against a broker in
 * this JVM, checking counts only (no figures), so the tool keeps working as the broker changes.
 */
class LoadGeneratorSmokeTest {

    private static EmbeddedBroker broker;
    /** Accepts storm-I only with its own password, so a run shows every client sent it. */
    private static final Authenticator STORM_PASSWORDS = info -> CompletableFuture.completedFuture(
            info.password() != null
                            && new String(info.password(), StandardCharsets.UTF_8)
                                    .equals(StormRun.password(info.username()))
                    ? AuthResult.ACCEPT
                    : AuthResult.BAD_USERNAME_OR_PASSWORD);

    @BeforeAll
    static void startBroker() throws InterruptedException {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** Small counts, tight bounds; this JVM is the "broker process" so the /proc probe is exercised too. */
    private static Options.Builder quick(Scenario scenario, int qos, int messages) {
        Options.Builder options = new Options.Builder();
        options.port = broker.port();
        options.scenario = scenario;
        options.qos = qos;
        options.messages = messages;
        options.clients = 20;
        options.duration = Duration.ofSeconds(20);
        options.grace = Duration.ofSeconds(5);
        options.brokerPid = ProcessHandle.current().pid();
        return options;
    }

    @Test
    void persistentSubscribersGetEveryMessageAndTheirSessionsAreDiscardedAfterwards() throws Exception {
        Options.Builder options = quick(Scenario.POINT_TO_POINT, 1, 200);
        options.persistent = true;
        Result result = LoadGenerator.run(options.build());

        assertTrue(result.passed(), result.failures()::toString);
        assertEquals(200, result.messages());
        assertTrue(result.line().contains(" persistent=true "), result.line());
    }

    @ParameterizedTest(name = "{0} at QoS {1}")
    @CsvSource({
        "fan-in, 0, 200, 200", "fan-in, 1, 200, 200", "fan-in, 2, 200, 200",
        "fan-out, 0, 10, 200", "fan-out, 1, 10, 200", "fan-out, 2, 10, 200",
        "p2p, 0, 200, 200", "p2p, 1, 200, 200", "p2p, 2, 200, 200",
        "shared, 0, 200, 200", "shared, 1, 200, 200", "shared, 2, 200, 200"
    })
    void trafficScenariosDeliverEveryMessage(String scenario, int qos, int messages, long copies) throws Exception {
        Result result = LoadGenerator.run(
                quick(Scenario.byName(scenario), qos, messages).build());

        assertTrue(result.passed(), result.failures()::toString);
        assertEquals(messages, result.published());
        assertEquals(copies, result.messages());
        assertTrue(result.latency().getTotalCount() == copies && result.cpuSeconds() >= 0);
    }

    @ParameterizedTest(name = "MQTT 5 at QoS {0}")
    @CsvSource({"0", "1", "2"})
    void mqtt5ClientsDeliverEveryMessage(int qos) throws Exception {
        Options.Builder options = quick(Scenario.POINT_TO_POINT, qos, 200);
        options.mqttVersion = 5;
        Result result = LoadGenerator.run(options.build());

        assertTrue(result.passed(), result.failures()::toString);
        assertEquals(200, result.messages());
        assertTrue(result.line().contains(" mqtt=5 "), result.line());
    }

    @Test
    void fixedRateRunDeliversEveryMessage() throws Exception {
        Options.Builder options = quick(Scenario.POINT_TO_POINT, 1, 300);
        options.rate = 3000;

        Result result = LoadGenerator.run(options.build());

        assertTrue(result.passed(), result.failures()::toString);
        assertEquals(300, result.messages());
    }

    @Test
    void idleConnectionsAllConnectAndRssIsMeasured() throws Exception {
        Options.Builder options = quick(Scenario.IDLE, 0, 1);
        options.connections = 200;
        options.settle = Duration.ofSeconds(1);

        Result result = LoadGenerator.run(options.build());

        assertTrue(result.passed(), result.failures()::toString);
        assertEquals(200, result.messages());
        assertFalse(Double.isNaN(result.kibPerConnection()));
        assertFalse(Double.isNaN(result.kibAtLastConnack()));
        assertTrue(result.line().contains(" kib_at_connack="), result.line());
    }

    @Test
    void drainDeliversEveryQueuedMessage() throws Exception {
        Result result = LoadGenerator.run(quick(Scenario.DRAIN, 1, 500).build());

        assertTrue(result.passed(), result.failures()::toString);
        assertEquals(500, result.messages());
    }

    @Test
    void drainFailsWhenTheBrokerDropsAcknowledgedMessages() throws Exception {
        // A queue of 100 with drop-newest acknowledges messages it then drops: the check must catch it.
        try (EmbeddedBroker lossy = EmbeddedBroker.start("mqtt.max-queued-messages = 100")) {
            Options.Builder options = quick(Scenario.DRAIN, 1, 300);
            options.port = lossy.port();
            options.grace = Duration.ofSeconds(1);

            Result result = LoadGenerator.run(options.build());

            assertFalse(result.passed());
            assertTrue(
                    result.failures().get(0).contains("acknowledged message copies never delivered"),
                    result.failures()::toString);
        }
    }

    @Test
    void offlineSessionsGetEveryQueuedMessageInOrder() throws Exception {
        Options.Builder options = quick(Scenario.OFFLINE, 1, 50);
        options.clients = 10;

        Result result = LoadGenerator.run(options.build());

        assertTrue(result.passed(), result.failures()::toString);
        assertEquals(500, result.published());
        assertEquals(500, result.messages());
        assertEquals(500, result.offline().filled());
        assertFalse(Double.isNaN(result.offline().rssDrainMaxKiB()));
        assertTrue(result.line().contains(" drain_msgs_per_s="), result.line());
    }

    @Test
    void offlineFillAndDrainRunAsTwoProcessesWouldWithOneRunId() throws Exception {
        Options.Builder fill = quick(Scenario.OFFLINE, 1, 30);
        fill.clients = 5;
        fill.phase = Options.FILL;
        fill.runId = "smoke-split";
        Options.Builder drain = quick(Scenario.OFFLINE, 1, 30);
        drain.clients = 5;
        drain.phase = Options.DRAIN;
        drain.runId = "smoke-split";

        Result filled = LoadGenerator.run(fill.build());
        Result drained = LoadGenerator.run(drain.build());

        assertTrue(filled.passed() && drained.passed(), filled.failures() + " " + drained.failures());
        assertEquals(150, filled.messages());
        assertTrue(Double.isNaN(filled.offline().drainSeconds()));
        assertEquals(150, drained.messages());
    }

    @Test
    void offlineDrainFailsWhenTheBrokerDropsAcknowledgedMessages() throws Exception {
        // Queues of 20 with drop-newest acknowledge messages they then drop: the check must catch it.
        try (EmbeddedBroker lossy = EmbeddedBroker.start("mqtt.max-queued-messages = 20")) {
            Options.Builder options = quick(Scenario.OFFLINE, 1, 30);
            options.port = lossy.port();
            options.clients = 3;
            options.grace = Duration.ofSeconds(1);

            Result result = LoadGenerator.run(options.build());

            assertFalse(result.passed());
            assertEquals(60, result.messages());
            assertTrue(
                    result.failures().get(0).startsWith("30 acknowledged message copies never delivered"),
                    result.failures()::toString);
        }
    }

    @Test
    void subscribersConnectToTheSubscriberPort() throws Exception {
        // A second broker, not clustered with the first: subscribers there hear nothing, which
        // shows they connected there (cross-node runs point it at another node of a cluster).
        try (EmbeddedBroker other = EmbeddedBroker.start()) {
            Options.Builder options = quick(Scenario.POINT_TO_POINT, 1, 100);
            options.subscriberPort = other.port();
            options.grace = Duration.ofSeconds(1);

            Result result = LoadGenerator.run(options.build());

            assertFalse(result.passed());
            assertEquals(0, result.messages());
        }
    }

    @Test
    void bothNodesCpuIsCountedAndSubscribersDefaultToThePublishersPort() {
        long self = ProcessHandle.current().pid();

        double once = new BrokerProbe(self).cpuSeconds();
        double twice = new BrokerProbe(self, self).cpuSeconds();

        assertTrue(twice >= 2 * once, once + " s once, " + twice + " s counted twice");
        assertEquals(1883, Options.parse(new String[] {"--port", "1883"}).subscriberPortOrDefault());
    }

    @Test
    void compilerThreadsCpuIsPartOfTheProcessCpu() {
        BrokerProbe probe = new BrokerProbe(ProcessHandle.current().pid());

        double compiler = probe.compilerCpuSeconds();
        double total = probe.cpuSeconds();

        // This JVM has compiled the test framework and Netty by now.
        assertTrue(compiler > 0 && compiler < total, compiler + " s of JIT compiler threads, " + total + " s in all");
    }

    @ParameterizedTest(name = "TLS {0}")
    @ValueSource(booleans = {false, true})
    void stormClientsReconnectWithTheirOwnPasswords(boolean tls, @TempDir Path dir) throws Exception {
        TestCertificates certificates = TestCertificates.create(dir, "server", "localhost");
        List<String> settings = new ArrayList<>(certificates.keystoreSettings());
        settings.add("mqtt.allow-anonymous = false");
        try (EmbeddedBroker secured = EmbeddedBroker.start(
                InMemoryStorageProvider.newStorage(),
                List.of(STORM_PASSWORDS),
                List.of(),
                settings.toArray(String[]::new))) {
            Options.Builder options = quick(Scenario.STORM, 0, 1);
            options.port = tls ? secured.broker().port("tls") : secured.port();
            options.connections = 200;
            options.tls = tls;

            Result result = LoadGenerator.run(options.build());

            assertTrue(result.passed(), result.failures()::toString);
            assertEquals(200, result.messages());
            assertEquals(400, secured.broker().counters().connectionsTotal(), "every client connected twice");
            assertTrue(result.line().contains(" scenario=storm "), result.line());
        }
    }

    @Test
    void guessersAreAnsweredWhileTheLegitimateClientKeepsConnecting() throws Exception {
        try (EmbeddedBroker secured = EmbeddedBroker.start(
                InMemoryStorageProvider.newStorage(),
                List.of(STORM_PASSWORDS),
                List.of(),
                "mqtt.allow-anonymous = false")) {
            Options.Builder options = quick(Scenario.GUESS, 0, 1);
            options.port = secured.port();
            options.clients = 3;

            Result result = LoadGenerator.run(options.build());

            assertTrue(result.passed(), result.failures()::toString);
            assertEquals(200, result.latency().getTotalCount(), "every legitimate CONNECT under attack got CONNACK 0");
            long refused = secured.broker().counters().authBadCredentials()
                    + secured.broker().counters().authNotAuthorized();
            // Guesses still on their way when the run ended are refused after it: the broker counts at least as many.
            assertTrue(
                    result.published() > 0 && refused >= result.published(),
                    result.published() + " answered, " + refused + " refused");
        }
    }

    @Test
    void badOptionsAreRefused() {
        assertEquals(
                "host must be 127.0.0.1 (benchmarks run on loopback only)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Options.parse(new String[] {"--port", "1883", "--host", "10.0.0.1"}))
                        .getMessage());
    }
}
