package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.metrics.BrokerMetrics;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.NumberedPayloads;
import io.starling.testing.RawMqttClient;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A burst of QoS 0 messages for an online subscriber whose socket is full: it waits in the
 * subscriber's bounded queue, in order, and only what the queue cannot hold is dropped,
 * without ever pausing the publisher.
 */
class Qos0BurstTest {

    /** 6 MB: far more than the subscriber's 4 KiB receive buffer, the broker's send buffer and Netty's 128 KiB. */
    private static final int MESSAGES = 1500;

    private static final int SIZE = 4096;

    private EmbeddedBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private BrokerMetrics metrics() {
        return broker.broker().counters();
    }

    /** Sends the whole burst at QoS 0 from another thread (the broker must keep reading it). */
    private static CompletableFuture<Void> burst(RawMqttClient publisher) {
        return CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < MESSAGES; i++) {
                    publisher.send(RawMqttClient.publishPacket("t", 0, 0, NumberedPayloads.of(i, SIZE)));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits until the broker has handled every message of the burst: sent, queued or dropped. */
    private void awaitBurstHandled(AtomicLong mostQueuedBytes) {
        Await.until("every message of the burst sent, queued or dropped", Duration.ofSeconds(30), () -> {
            mostQueuedBytes.accumulateAndGet(metrics().queuedBytes(), Math::max);
            return metrics().sent(0) + metrics().queued() + metrics().dropped(0) == MESSAGES;
        });
    }

    @Test
    void aBurstLargerThanTheSocketButNotTheQueueArrivesWholeAndInOrder() throws Exception {
        broker = EmbeddedBroker.start("mqtt.max-queued-messages = 5000", "mqtt.max-queued-bytes = 67108864");
        try (RawMqttClient subscriber = new RawMqttClient(broker.port(), 10_000, 4096);
                RawMqttClient publisher = new RawMqttClient(broker.port(), 10_000)) {
            RawPublish.connect(subscriber, "sub", true);
            RawPublish.subscribe(subscriber, 1, "t", 0);
            RawPublish.connect(publisher, "pub", true);

            // The subscriber does not read until the broker has handled the whole burst.
            burst(publisher).get(30, TimeUnit.SECONDS);
            awaitBurstHandled(new AtomicLong());
            assertTrue(metrics().queued() > 0, "the burst outran the socket: part of it waits in the queue");
            assertEquals(0, metrics().dropped(), "nothing dropped");

            for (int i = 0; i < MESSAGES; i++) {
                RawPublish publish = RawPublish.read(subscriber);
                assertEquals(String.format("%06d", i), publish.payload().substring(0, 6), "message " + i);
                assertEquals(0, publish.qos());
            }
            Await.until(
                    "the queue drained",
                    () -> metrics().queued() == 0 && metrics().queuedBytes() == 0);
            assertEquals(MESSAGES, metrics().sent(0), "every message sent once");
            assertEquals(0, metrics().dropped(), "nothing dropped");
            assertEquals(0, metrics().publishersPaused(), "QoS 0 never pauses its publisher");
        }
    }

    @Test
    void aBurstLargerThanTheQueueDropsQos0AndNeverPausesThePublisher() throws Exception {
        // Under the default push-back policy: QoS 0 is not acknowledged, so a full queue drops it.
        long maxQueuedBytes = 300_000;
        broker = EmbeddedBroker.start("mqtt.max-queued-messages = 100", "mqtt.max-queued-bytes = " + maxQueuedBytes);
        try (RawMqttClient subscriber = new RawMqttClient(broker.port(), 10_000, 4096);
                RawMqttClient publisher = new RawMqttClient(broker.port(), 10_000)) {
            RawPublish.connect(subscriber, "sub", true);
            RawPublish.subscribe(subscriber, 1, "t", 0);
            RawPublish.connect(publisher, "pub", true);

            CompletableFuture<Void> sending = burst(publisher);
            AtomicLong mostQueuedBytes = new AtomicLong();
            awaitBurstHandled(mostQueuedBytes);
            sending.get(30, TimeUnit.SECONDS);
            assertEquals(0, metrics().publishersPaused(), "QoS 0 never pauses its publisher");
            assertTrue(metrics().dropped(0) > 0, "what the queue could not hold is dropped and counted");
            assertEquals(metrics().dropped(), metrics().dropped(0), "only QoS 0 dropped");
            assertTrue(mostQueuedBytes.get() <= maxQueuedBytes, "queued bytes within the limit: " + mostQueuedBytes);
            assertTrue(metrics().queued() > 0, "the queue holds what it can");

            // What was sent and what was queued arrives, oldest first (the newest were dropped).
            long delivered = metrics().sent(0) + metrics().queued();
            int previous = -1;
            for (long k = 0; k < delivered; k++) {
                int number =
                        Integer.parseInt(RawPublish.read(subscriber).payload().substring(0, 6));
                assertTrue(number > previous, "in order: " + number + " after " + previous);
                previous = number;
            }
            Await.until(
                    "the queue drained",
                    () -> metrics().queued() == 0 && metrics().queuedBytes() == 0);
            assertEquals(
                    MESSAGES, metrics().sent(0) + metrics().dropped(0), "every message sent or counted as dropped");
        }
    }
}
