package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.BrokerProcess;
import io.starling.testing.NumberedPayloads;
import io.starling.testing.RawMqttClient;
import io.starling.testing.ScrapedMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A subscriber that stops reading, in a broker of its own JVM with a 64 MB heap, while a
 * publisher pushes 256 MB through it: the broker holds a bounded amount for the slow client
 * (drop-oldest policy here; the default push-back is {@link PushBackTest}; QoS 0 waits in
 * the same queue once its socket is full), counts what it drops by QoS, and a second
 * subscriber of the same topic gets every message.
 */
class SlowConsumerTest {

    private static final int MESSAGES = 8000;
    private static final int SIZE = 32 * 1024;
    private static final long MAX_QUEUED_BYTES = 4L * 1024 * 1024;
    private static final int MAX_INFLIGHT = 32;

    private static ScrapedMetrics scrape(int httpPort) {
        try {
            return ScrapedMetrics.scrape(httpPort);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The copies for the slow client the broker has handled: QoS 0 sent (the fast client got
     * half of all QoS 0), its QoS 1 window, and its queue (QoS 0 waits there with QoS 1 once
     * its socket is full), plus the drops.
     */
    private static long accounted(ScrapedMetrics metrics) {
        return metrics.value("starling_messages_sent_total{qos=\"0\"}")
                - MESSAGES / 2
                + MAX_INFLIGHT
                + metrics.value("starling_queued_messages")
                + metrics.value("starling_messages_dropped_total{qos=\"0\"}")
                + metrics.value("starling_messages_dropped_total{qos=\"1\"}");
    }

    @Test
    void aSubscriberThatStopsReadingCostsBoundedMemoryAndTheOtherSubscriberGetsEverything() throws Exception {
        Map<String, String> environment = Map.of(
                "STARLING_LISTENER_HOST",
                "127.0.0.1",
                "STARLING_LISTENER_PORT",
                "0",
                "STARLING_HTTP_HOST",
                "127.0.0.1",
                "STARLING_HTTP_PORT",
                "0",
                "STARLING_MQTT_QUEUE_FULL_POLICY",
                "drop-oldest",
                "STARLING_MQTT_MAX_QUEUED_BYTES",
                Long.toString(MAX_QUEUED_BYTES),
                "STARLING_MQTT_MAX_INFLIGHT_MESSAGES",
                Integer.toString(MAX_INFLIGHT));
        try (BrokerProcess broker = BrokerProcess.start(List.of("-Xmx64m"), List.of(), environment)) {
            int port = broker.awaitPort(60_000);
            int httpPort = broker.awaitHttpPort(60_000);
            try (RawMqttClient slow = new RawMqttClient(port, 10_000, 4096);
                    RawMqttClient fast = new RawMqttClient(port, 10_000);
                    RawMqttClient publisher = new RawMqttClient(port, 10_000)) {
                RawPublish.connect(slow, "slow", true);
                RawPublish.subscribe(slow, 1, "load", 1);
                RawPublish.connect(fast, "fast", true);
                RawPublish.subscribe(fast, 1, "load", 1);
                RawPublish.connect(publisher, "pub", true);

                Semaphore delivered = new Semaphore(0);
                CompletableFuture<List<RawPublish>> received = CompletableFuture.supplyAsync(() -> {
                    List<RawPublish> publishes = new ArrayList<>();
                    try {
                        while (publishes.size() < MESSAGES) {
                            RawPublish publish = RawPublish.parse(fast.read());
                            if (publish.qos() == 1) {
                                fast.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, publish.packetId()));
                            }
                            publishes.add(publish);
                            delivered.release();
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return publishes;
                });

                long mostQueuedBytes = 0;
                long mostHeapUsed = 0;
                for (int i = 0; i < MESSAGES; i++) {
                    // QoS 0 and 1 in turn; the next one only once the fast subscriber has this one,
                    // so that its queue never fills and any loss would be the broker's.
                    if (i % 2 == 1) {
                        RawPublish.publishQos1(publisher, "load", i % 65_535 + 1, NumberedPayloads.of(i, SIZE));
                    } else {
                        publisher.send(RawMqttClient.publishPacket("load", 0, 0, NumberedPayloads.of(i, SIZE)));
                    }
                    assertTrue(delivered.tryAcquire(10, TimeUnit.SECONDS), "the fast subscriber got message " + i);
                    if (i % 250 == 0) {
                        ScrapedMetrics metrics = ScrapedMetrics.scrape(httpPort);
                        mostQueuedBytes = Math.max(mostQueuedBytes, metrics.value("starling_queued_bytes"));
                        mostHeapUsed = Math.max(mostHeapUsed, metrics.value("starling_jvm_heap_used_bytes"));
                    }
                }
                List<RawPublish> publishes = received.get(30, TimeUnit.SECONDS);
                for (int i = 0; i < MESSAGES; i++) {
                    assertEquals(
                            String.format("%06d", i), publishes.get(i).payload().substring(0, 6), "message " + i);
                    assertEquals(i % 2, publishes.get(i).qos(), "QoS of message " + i);
                }

                // The slow client's session may still be handling the last copies the fast one already has.
                ScrapedMetrics[] scraped = new ScrapedMetrics[1];
                Await.until(
                        "every copy for the slow client sent, in flight, queued or dropped",
                        Duration.ofSeconds(30),
                        () -> accounted(scraped[0] = scrape(httpPort)) == MESSAGES);
                ScrapedMetrics end = scraped[0];
                long heapMax = end.value("starling_jvm_heap_max_bytes");
                long droppedQos0 = end.value("starling_messages_dropped_total{qos=\"0\"}");
                long droppedQos1 = end.value("starling_messages_dropped_total{qos=\"1\"}");
                long sentQos0ToSlow = end.value("starling_messages_sent_total{qos=\"0\"}") - MESSAGES / 2;
                long queued = end.value("starling_queued_messages");
                System.out.printf(
                        "slow consumer: %d MB published through a %d MB heap; at most %d queued bytes, "
                                + "heap used at most %d MB; QoS 0 to the slow client: %d sent, %d dropped; QoS 1: %d in flight, "
                                + "%d queued, %d dropped%n",
                        (long) MESSAGES * SIZE >> 20,
                        heapMax >> 20,
                        mostQueuedBytes,
                        mostHeapUsed >> 20,
                        sentQos0ToSlow,
                        droppedQos0,
                        MAX_INFLIGHT,
                        queued,
                        droppedQos1);

                assertTrue((long) MESSAGES * SIZE > 3 * heapMax, "far more was published than the heap could hold");
                assertTrue(broker.isAlive(), "the broker is still running");
                assertTrue(mostQueuedBytes <= MAX_QUEUED_BYTES, "queued bytes bounded: " + mostQueuedBytes);
                assertTrue(
                        droppedQos0 > 0, "QoS 0 for the client that does not read is dropped once its queue is full");
                assertTrue(droppedQos1 > 0, "so is QoS 1, under drop-oldest");
                assertTrue(queued <= MAX_QUEUED_BYTES / SIZE, "its queue holds at most its byte limit: " + queued);
                // Once it reads, the slow client gets what was sent, then its queue: the newest messages, in order.
                List<Integer> numbers = new ArrayList<>();
                while (numbers.size() < sentQos0ToSlow + MAX_INFLIGHT + queued) {
                    RawPublish publish = RawPublish.parse(slow.read());
                    if (publish.qos() == 1) {
                        slow.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, publish.packetId()));
                    }
                    numbers.add(Integer.parseInt(publish.payload().substring(0, 6)));
                }
                for (int k = 1; k < numbers.size(); k++) {
                    assertTrue(
                            numbers.get(k) > numbers.get(k - 1),
                            "in order: " + numbers.get(k) + " after " + numbers.get(k - 1));
                }
                for (int k = 0; k < queued; k++) {
                    assertEquals(
                            MESSAGES - 1 - k, numbers.get(numbers.size() - 1 - k), "newest kept under drop-oldest");
                }
            }
        }
    }
}
