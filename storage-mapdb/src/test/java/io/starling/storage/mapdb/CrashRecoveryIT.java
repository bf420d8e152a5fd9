package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.BrokerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker (the real Main, its own JVM, MapDB with durability always) is killed with SIGKILL
 * while publishers stream numbered QoS 1 and QoS 2 messages to persistent subscribers that are
 * offline; after each restart the subscribers find their sessions and every acknowledged
 * message: QoS 1 at least once, QoS 2 exactly once; the retained message is intact.
 *
 * <p>{@code mvn verify} kills it 8 times; {@code -Dcrash.cycles=N} makes it the long soak
 * ({@code scripts/crash-soak.sh}, see docs/STORAGE.md).
 */
class CrashRecoveryIT {

    private static final int CYCLES = Integer.getInteger("crash.cycles", 8);
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final String Q1_TOPIC = "crash/q1";
    private static final String Q2_TOPIC = "crash/q2";
    private static final String RETAINED_TOPIC = "crash/retained";

    @TempDir
    Path directory;

    private final AtomicInteger q1Numbers = new AtomicInteger();
    private final AtomicInteger q2Numbers = new AtomicInteger();
    private final Set<Integer> q1Acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<Integer> q2Acknowledged = ConcurrentHashMap.newKeySet();
    private final CountingSubscriber q1Subscriber = new CountingSubscriber("crash-sub-q1");
    private final CountingSubscriber q2Subscriber = new CountingSubscriber("crash-sub-q2");
    private int brokerStarts;

    @Test
    void acknowledgedMessagesSurviveKillDashNine() throws Exception {
        assertTrue(CYCLES >= 1, "crash.cycles must be at least 1, was " + CYCLES);
        long started = System.nanoTime();
        Path config = writeConfig();
        BrokerProcess broker = start(config);
        try {
            subscribeOffline(broker.url());
            for (int cycle = 1; cycle <= CYCLES; cycle++) {
                String retained = "retained-" + cycle;
                publishRetained(broker.url(), retained);
                streamAndKill(broker, cycle);
                broker = start(config);
                drainSubscribers(broker.url(), cycle);
                assertEquals(retained, readRetained(broker.url()), "retained message after kill " + cycle);
                System.out.printf(
                        "crash test: kill %d of %d survived: %d QoS 1 and %d QoS 2 messages acknowledged"
                                + " so far, all delivered%n",
                        cycle, CYCLES, q1Acknowledged.size(), q2Acknowledged.size());
            }
        } finally {
            end(broker, false);
        }
        assertNoDuplicates(q2Subscriber.received());
        System.out.printf(
                "crash test: PASS: %d kills in %d s, %d QoS 1 messages acknowledged and all delivered"
                        + " (%d deliveries), %d QoS 2 messages acknowledged and all delivered exactly once%n",
                CYCLES,
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
                q1Acknowledged.size(),
                q1Subscriber.received().values().stream()
                        .mapToInt(AtomicInteger::get)
                        .sum(),
                q2Acknowledged.size());
    }

    private Path writeConfig() throws Exception {
        return MapDbBrokerConfig.write(directory, "starling.storage.mapdb.durability = always");
    }

    private BrokerProcess start(Path config) throws Exception {
        brokerStarts++;
        BrokerProcess broker = BrokerProcess.start(List.of("-c", config.toString()), Map.of());
        broker.awaitPort(AWAIT.toMillis());
        return broker;
    }

    /**
     * Kills (SIGKILL) or stops (SIGTERM) the broker; its log stays in target/crash-recovery-logs
     * for a look after a failure.
     */
    private void end(BrokerProcess broker, boolean kill) throws Exception {
        if (kill) {
            broker.kill();
        } else {
            broker.terminate();
        }
        broker.awaitExit(AWAIT.toMillis());
        Path logs = Files.createDirectories(Path.of("target", "crash-recovery-logs"));
        Files.writeString(logs.resolve("broker-" + brokerStarts + ".log"), broker.output());
    }

    private void subscribeOffline(String url) throws Exception {
        assertEquals(false, q1Subscriber.connect(url));
        q1Subscriber.subscribe(Q1_TOPIC, 1);
        q1Subscriber.disconnect();
        assertEquals(false, q2Subscriber.connect(url));
        q2Subscriber.subscribe(Q2_TOPIC, 2);
        q2Subscriber.disconnect();
    }

    /** Publishes until a random number of messages were acknowledged in this cycle, then kills the broker. */
    private void streamAndKill(BrokerProcess broker, int cycle) throws Exception {
        int q1Target = q1Acknowledged.size() + ThreadLocalRandom.current().nextInt(100, 400);
        int q2Target = q2Acknowledged.size() + ThreadLocalRandom.current().nextInt(100, 400);
        NumberedPublisher q1 =
                new NumberedPublisher(broker.url(), "crash-pub-q1", Q1_TOPIC, 1, q1Numbers, q1Acknowledged);
        NumberedPublisher q2 =
                new NumberedPublisher(broker.url(), "crash-pub-q2", Q2_TOPIC, 2, q2Numbers, q2Acknowledged);
        try {
            awaitCondition(
                    () -> q1Acknowledged.size() >= q1Target && q2Acknowledged.size() >= q2Target,
                    () -> "acknowledgements in cycle " + cycle + ": QoS 1 " + q1Acknowledged.size() + " of " + q1Target
                            + ", QoS 2 " + q2Acknowledged.size() + " of " + q2Target);
            end(broker, true);
        } finally {
            q1.stop();
            q2.stop();
        }
    }

    private void drainSubscribers(String url, int cycle) throws Exception {
        drain(q1Subscriber, url, q1Acknowledged, "QoS 1 after kill " + cycle);
        drain(q2Subscriber, url, q2Acknowledged, "QoS 2 after kill " + cycle);
    }

    private static void drain(CountingSubscriber subscriber, String url, Set<Integer> acknowledged, String what)
            throws Exception {
        assertTrue(subscriber.connect(url), what + ": CONNACK session-present=1");
        Set<Integer> expected = Set.copyOf(acknowledged);
        try {
            awaitCondition(
                    () -> subscriber.hasReceivedAll(expected), () -> what + ": every acknowledged message delivered");
        } catch (AssertionError missing) {
            Set<Integer> lost = new TreeSet<>(expected);
            lost.removeAll(subscriber.received().keySet());
            throw new AssertionError(missing.getMessage() + "; missing " + lost.size() + ": " + lost, missing);
        } finally {
            subscriber.disconnect();
        }
    }

    private static void assertNoDuplicates(Map<Integer, AtomicInteger> received) {
        Map<Integer, Integer> duplicates = received.entrySet().stream()
                .filter(e -> e.getValue().get() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
        assertEquals(Map.of(), duplicates, "QoS 2 messages delivered more than once");
    }

    private static void publishRetained(String url, String payload) throws Exception {
        MqttClient client = new MqttClient(url, "crash-retainer", new MemoryPersistence());
        client.setTimeToWait(10_000);
        client.connect();
        client.publish(RETAINED_TOPIC, payload.getBytes(StandardCharsets.UTF_8), 1, true);
        client.disconnect();
        client.close();
    }

    private static String readRetained(String url) throws Exception {
        CompletableFuture<String> retained = new CompletableFuture<>();
        MqttClient client = new MqttClient(url, "crash-reader", new MemoryPersistence());
        client.setTimeToWait(10_000);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                retained.completeExceptionally(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                retained.complete(
                        message.isRetained()
                                ? new String(message.getPayload(), StandardCharsets.UTF_8)
                                : "not retained");
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // Reads only.
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        try {
            client.subscribe(RETAINED_TOPIC, 1);
            return retained.get(AWAIT.toSeconds(), TimeUnit.SECONDS);
        } finally {
            client.disconnect();
            client.close();
        }
    }

    /** Waits until the condition holds, checking every 10 ms, failing after {@link #AWAIT}. */
    private static void awaitCondition(BooleanSupplier condition, Supplier<String> what) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + AWAIT.toSeconds() + " s waiting for " + what.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
