package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.PahoClients;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes numbered QoS 1 messages to {@code root/<id>} one after the other (each
 * acknowledged before the next, about 150 a second) until stopped or its connection fails.
 */
final class PacedPublisher implements AutoCloseable {

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
                client.client()
                        .publish("root/" + id, Integer.toString(number).getBytes(StandardCharsets.UTF_8), 1, false);
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

    String id() {
        return id;
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
                    throw new AssertionError(
                            id + " had " + acknowledged.size() + " of " + count + " messages acknowledged after 60 s");
                }
                acknowledged.wait(left);
            }
        }
        assertTrue(acknowledged() >= count, id + " stopped after " + acknowledged() + " of " + count);
    }

    /** Stops publishing; what was acknowledged until then stays readable. */
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

    @Override
    public void close() throws Exception {
        stop();
    }
}
