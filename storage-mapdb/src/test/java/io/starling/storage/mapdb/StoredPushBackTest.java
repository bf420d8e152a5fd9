package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.flows.Await;
import io.starling.flows.RawPublish;
import io.starling.metrics.BrokerMetrics;
import io.starling.spi.Storage;
import io.starling.spi.StoredMessage;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.NumberedPayloads;
import io.starling.testing.RawMqttClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push-back when the store is the queue: a connected persistent subscriber that reads nothing
 * while a publisher sends as fast as it can. Its backlog waits in the store, memory holds only
 * a page of it, the publisher is paused once {@code max-queued-messages} wait (so the store
 * does not fill with what one slow client cannot take), and once the subscriber reads it gets
 * every message, in order, and the store is empty again.
 */
class StoredPushBackTest {

    private static final int MESSAGES = 20_000;
    private static final int SIZE = 1000;
    private static final int MAX_INFLIGHT = 4;
    private static final int MAX_QUEUED = 100;
    /**
     * Messages the broker may take past the limit: those it had read from the publisher's
     * socket before it saw the limit (a read batch, at most about 1 MB, or a few while the
     * subscriber's thread catches up), as in the memory store's PushBackTest.
     */
    private static final int OVERSHOOT = 4 * 1100;

    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final int DRAIN_CHUNK = 100;

    @TempDir
    Path directory;

    @Test
    void aSubscriberReadingFromTheStorePausesAFasterPublisherAndGetsEveryMessageInOrder() throws Exception {
        Storage storage = MapDbStorageProvider.open(
                new MapDbSettings(directory, Durability.ALWAYS, Duration.ofSeconds(1), 0, 0, 0));
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                        storage,
                        List.of(),
                        List.of(),
                        "mqtt.max-inflight-messages = " + MAX_INFLIGHT,
                        "mqtt.max-queued-messages = " + MAX_QUEUED);
                // A small receive buffer: the broker's writes to the subscriber stop soon.
                RawMqttClient subscriber = new RawMqttClient(broker.port(), 30_000, 8192);
                RawMqttClient publisher = new RawMqttClient(broker.port(), 30_000)) {
            BrokerMetrics metrics = broker.broker().counters();
            RawPublish.connect(subscriber, "slow", false);
            RawPublish.subscribe(subscriber, 1, "t", 1);
            RawPublish.connect(publisher, "pub", true);
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> publishAll(publisher));

            AtomicLong mostInMemory = new AtomicLong();
            AtomicLong mostStored = new AtomicLong();
            Runnable sample = () -> {
                mostInMemory.accumulateAndGet(metrics.queued(), Math::max);
                mostStored.accumulateAndGet(storage.statistics().queuedBytes(), Math::max);
            };
            Await.until("the publisher is paused", AWAIT, () -> {
                sample.run();
                return metrics.publishersPaused() > 0;
            });
            // Once paused the broker reads nothing more from the publisher: what it received stops
            // growing, and the store catches up with it (every message received is stored, none acknowledged yet).
            long entryBytes = MessageCodec.sizeOf(new StoredMessage(0, "t", 1, false, new byte[SIZE], 0))
                    + QueueUsage.ENTRY_OVERHEAD;
            long[] received = {-1};
            Await.until("the broker stops reading the publisher and has stored what it read", AWAIT, () -> {
                sample.run();
                long now = metrics.received(1);
                boolean stable = now == received[0] && storage.statistics().queuedBytes() == now * entryBytes;
                received[0] = now;
                return stable;
            });
            System.out.printf(
                    "stored push-back: %d received of %d before the pause held, at most %d bytes stored%n",
                    received[0], MESSAGES, mostStored.get());
            assertTrue(received[0] < MESSAGES, "the publisher was stopped before it sent everything: " + received[0]);
            assertFalse(sending.isDone(), "the publisher's writes are blocked");
            assertTrue(received[0] <= MAX_QUEUED + MAX_INFLIGHT + OVERSHOOT, "stored queue bounded: " + received[0]);
            assertEquals(0, metrics.dropped());

            // Read in chunks, looking at the memory queue in between: while the subscriber drains,
            // the session holds a page of the stored queue (twice the in-flight window), not all of it.
            List<String> delivered = new ArrayList<>();
            while (delivered.size() < MESSAGES) {
                delivered.addAll(RawPublish.receive(subscriber, Math.min(DRAIN_CHUNK, MESSAGES - delivered.size())));
                sample.run();
            }
            System.out.printf("stored push-back: at most %d messages in memory while draining%n", mostInMemory.get());
            assertTrue(
                    mostInMemory.get() <= 2 * MAX_INFLIGHT,
                    "memory holds a page of the stored queue, not all of it: " + mostInMemory.get());
            for (int i = 0; i < MESSAGES; i++) {
                assertEquals(String.format("%06d", i), delivered.get(i).substring(0, 6), "message " + i + " in order");
            }
            sending.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < MESSAGES; i++) {
                publisher.expect(RawMqttClient.PUBACK);
            }
            assertEquals(0, metrics.dropped());
            assertEquals(0, metrics.queueLimitDrops("client") + metrics.queueLimitDrops("total"));
            Await.until(
                    "every acknowledged message leaves the store",
                    AWAIT,
                    () -> storage.statistics().queuedBytes() == 0);
        }
    }

    private static void publishAll(RawMqttClient publisher) {
        try {
            for (int i = 0; i < MESSAGES; i++) {
                publisher.send(RawMqttClient.publishPacket("t", 1, i % 65_535 + 1, NumberedPayloads.of(i, SIZE)));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
