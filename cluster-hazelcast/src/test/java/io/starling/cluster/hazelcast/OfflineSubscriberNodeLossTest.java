package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.PahoClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent subscriber is offline while a node dies, and reconnects to another node while
 * messages for it keep coming (issue 25, found with the shipped example): every message
 * acknowledged to a publisher reaches it, once and in each publisher's order. Its session
 * moves from a live node to another while the cluster takes the dead node over.
 */
class OfflineSubscriberNodeLossTest {

    private static final int BEFORE_KILL = 40;
    private static final int AFTER_MOVE = 40;

    @TempDir
    Path dir;

    @Test
    void anOfflineSubscriberReconnectingElsewhereDuringANodeLossGetsEveryAcknowledgedMessage() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.start(dir, 3, "starling.storage.type = mapdb",
            "starling.storage.mapdb.directory = \"" + dir.resolve("data-{node}") + "\"")) {
            MqttConnectOptions persistent = new MqttConnectOptions();
            persistent.setCleanSession(false);
            try (PahoClients subscriber = PahoClients.connect(cluster.node(0).url(), "s4", persistent)) {
                subscriber.client().subscribe("root/#", 1);
                subscriber.client().disconnect();
            }
            PacedPublisher survivor = new PacedPublisher(cluster.node(1).url(), "p1");
            PacedPublisher doomed = new PacedPublisher(cluster.node(2).url(), "p2");
            survivor.awaitAcknowledged(BEFORE_KILL);
            doomed.awaitAcknowledged(BEFORE_KILL);
            cluster.node(2).process.kill();
            // Back at once, on another node than its session's, while the survivors notice the loss.
            try (PahoClients subscriber = PahoClients.connect(cluster.node(1).url(), "s4", persistent)) {
                assertTrue(subscriber.client().isConnected());
                survivor.awaitAcknowledged(survivor.acknowledged() + AFTER_MOVE);
                survivor.stop();
                doomed.stop();
                Map<String, List<Integer>> received = new TreeMap<>();
                List<Integer> fromSurvivor = survivor.acknowledgedNumbers();
                List<Integer> fromDoomed = doomed.acknowledgedNumbers();
                while (!received.getOrDefault("p1", List.of()).containsAll(fromSurvivor)
                    || !received.getOrDefault("p2", List.of()).containsAll(fromDoomed)) {
                    PahoClients.Received message = subscriber.poll(20_000);
                    if (message == null) {
                        break;
                    }
                    String[] levels = message.topic().split("/");
                    received.computeIfAbsent(levels[1], key -> new ArrayList<>()).add(Integer.parseInt(message.text()));
                }
                assertEquals(fromSurvivor, prefixOf(received.get("p1"), fromSurvivor.size()),
                    "every message acknowledged to the publisher on a survivor, once, in order");
                assertEquals(fromDoomed, prefixOf(received.get("p2"), fromDoomed.size()),
                    "every message acknowledged to the publisher on the killed node, once, in order");
            }
        }
    }

    /** The first {@code count} numbers received (all of them if fewer). */
    private static List<Integer> prefixOf(List<Integer> received, int count) {
        return received == null ? List.of() : received.subList(0, Math.min(count, received.size()));
    }

    /**
     * Publishes numbered QoS 1 messages to {@code root/<id>} one after the other (each
     * acknowledged before the next, about 150 a second) until stopped or its connection fails.
     */
    private static final class PacedPublisher {
        private final PahoClients client;
        private final String id;
        private final List<Integer> acknowledged = new ArrayList<>();
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final CompletableFuture<Void> finished;

        PacedPublisher(String url, String id) throws Exception {
            this.client = PahoClients.connect(url, id);
            this.id = id;
            this.finished = CompletableFuture.runAsync(this::publish);
        }

        private void publish() {
            try {
                for (int number = 1; number <= 20_000 && !stopped.get(); number++) {
                    client.client().publish("root/" + id, Integer.toString(number).getBytes(StandardCharsets.UTF_8), 1,
                        false);
                    synchronized (acknowledged) {
                        acknowledged.add(number);
                        acknowledged.notifyAll();
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            } catch (Exception e) {
                // The node was killed: what was acknowledged until then counts.
            } finally {
                synchronized (acknowledged) {
                    stopped.set(true);
                    acknowledged.notifyAll();
                }
            }
        }

        int acknowledged() {
            synchronized (acknowledged) {
                return acknowledged.size();
            }
        }

        void awaitAcknowledged(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            synchronized (acknowledged) {
                while (acknowledged.size() < count && !stopped.get()) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0) {
                        throw new AssertionError(id + " had " + acknowledged.size() + " of " + count
                            + " messages acknowledged after 60 s");
                    }
                    acknowledged.wait(left);
                }
            }
            assertTrue(acknowledged() >= count, id + " stopped after " + acknowledged() + " of " + count);
        }

        void stop() throws Exception {
            stopped.set(true);
            finished.get(30, TimeUnit.SECONDS);
            try {
                client.close();
            } catch (Exception e) {
                // Its node may be gone.
            }
        }

        List<Integer> acknowledgedNumbers() {
            synchronized (acknowledged) {
                return List.copyOf(acknowledged);
            }
        }
    }
}
