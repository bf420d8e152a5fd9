package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.BrokerProcess;
import io.starling.testing.NumberedPayloads;
import io.starling.testing.ScrapedMetrics;
import io.starling.testing.TestProcess;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store is the queue: a broker process with a 64 MiB heap and nothing but the MapDB store
 * configured (every limit at its shipped default) takes 100,000 QoS 1 messages of 1 KiB (about
 * 100 MiB) for an offline persistent subscriber, its heap does not grow with them, and the
 * subscriber, back, gets every one, in order.
 */
class StoredQueueProcessTest {

    private static final int MESSAGES = 100_000;
    private static final int PAYLOAD = 1024;
    private static final String TOPIC = "stored/queue";
    private static final Duration AWAIT = Duration.ofSeconds(60);
    /** Heap growth allowed while the second 50,000 messages (50 MiB of payload) are queued. */
    private static final long HEAP_GROWTH_BOUND = 8L << 20;

    @TempDir
    Path directory;

    @Test
    void aHundredThousandOfflineMessagesStayOnDiskAndAreAllDeliveredInOrder() throws Exception {
        Path config = MapDbBrokerConfig.write(directory);
        try (BrokerProcess broker =
                BrokerProcess.start(List.of("-Xmx64m"), List.of("-c", config.toString()), Map.of())) {
            broker.awaitPort(AWAIT.toMillis());
            int httpPort = broker.awaitHttpPort(AWAIT.toMillis());
            subscribeAndLeave(broker.url());

            publish(broker.url(), 1, MESSAGES / 2);
            long heapAtHalf = heapAfterGc(broker, httpPort);
            publish(broker.url(), MESSAGES / 2 + 1, MESSAGES);
            long heapAtFull = heapAfterGc(broker, httpPort);
            ScrapedMetrics filled = ScrapedMetrics.scrape(httpPort);
            System.out.printf(
                    "stored queue: heap after GC %d KiB at %d queued, %d KiB at %d; %d bytes stored%n",
                    heapAtHalf >> 10,
                    MESSAGES / 2,
                    heapAtFull >> 10,
                    MESSAGES,
                    filled.value("starling_store_queued_bytes"));
            assertTrue(
                    heapAtFull - heapAtHalf < HEAP_GROWTH_BOUND,
                    "heap grew by " + (heapAtFull - heapAtHalf) + " bytes while 50,000 more messages were queued");
            assertTrue(
                    filled.value("starling_store_queued_bytes") > (long) MESSAGES * PAYLOAD,
                    "stored queue bytes " + filled.value("starling_store_queued_bytes"));
            assertEquals(0, filled.value("starling_messages_dropped_total{qos=\"1\"}"));

            drainInOrder(broker.url());
            awaitStoredBytes(httpPort, 0);
        }
    }

    private static MqttConnectOptions persistent() {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setConnectionTimeout(10);
        options.setKeepAliveInterval(60);
        return options;
    }

    private static void subscribeAndLeave(String url) throws Exception {
        MqttClient subscriber = new MqttClient(url, "stored-sub", new MemoryPersistence());
        subscriber.connect(persistent());
        subscriber.subscribe(TOPIC, 1);
        subscriber.disconnect();
        subscriber.close();
    }

    /** Publishes messages {@code first..last} with QoS 1 and a window of unacknowledged ones; every one must be acknowledged. */
    private static void publish(String url, int first, int last) throws Exception {
        MqttAsyncClient publisher = new MqttAsyncClient(url, "stored-pub", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        // Paho frees an in-flight slot only once its callback thread has handled the PUBACK, which
        // can lag far behind the token on a loaded machine (1024 was once too few for a window of
        // 512): the window below bounds what is in flight, Paho's own count only needs room.
        options.setMaxInflight(65_535);
        publisher.connect(options).waitForCompletion(AWAIT.toMillis());
        Deque<IMqttDeliveryToken> window = new ArrayDeque<>();
        for (int number = first; number <= last; number++) {
            if (window.size() == 512) {
                window.pollFirst().waitForCompletion(AWAIT.toMillis());
            }
            window.addLast(publisher.publish(
                    TOPIC, NumberedPayloads.of(number, PAYLOAD).getBytes(StandardCharsets.US_ASCII), 1, false));
        }
        for (IMqttDeliveryToken token : window) {
            token.waitForCompletion(AWAIT.toMillis());
        }
        publisher.disconnect().waitForCompletion(AWAIT.toMillis());
        publisher.close();
    }

    /** Reconnects the subscriber and takes every message: each must be the next number, none missing. */
    private static void drainInOrder(String url) throws Exception {
        BlockingQueue<Integer> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = new MqttClient(url, "stored-sub", new MemoryPersistence());
        subscriber.setCallback(new org.eclipse.paho.client.mqttv3.MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                received.add(-1);
            }

            @Override
            public void messageArrived(String topic, org.eclipse.paho.client.mqttv3.MqttMessage message) {
                received.add(Integer.parseInt(new String(message.getPayload(), 0, 6, StandardCharsets.US_ASCII)));
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // The subscriber publishes nothing.
            }
        });
        subscriber.connect(persistent());
        List<Integer> outOfOrder = new ArrayList<>();
        for (int expected = 1; expected <= MESSAGES; expected++) {
            Integer number = received.poll(AWAIT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(number != null && number != -1, "message " + expected + " did not arrive (" + number + ")");
            if (number != expected) {
                outOfOrder.add(number);
                expected = number;
            }
        }
        assertEquals(List.of(), outOfOrder, "messages out of order or missing before them");
        subscriber.disconnect();
        subscriber.close();
    }

    /** Heap in use right after a full GC of the broker (jcmd GC.run), from its own /metrics. */
    private static long heapAfterGc(BrokerProcess broker, int httpPort) throws Exception {
        String jcmd = System.getProperty("java.home") + File.separator + "bin" + File.separator + "jcmd";
        try (TestProcess gc = TestProcess.start(
                List.of(jcmd, Long.toString(broker.pid()), "GC.run"),
                Path.of("").toAbsolutePath(),
                System.getenv())) {
            assertEquals(0, gc.awaitExit(AWAIT), gc.output());
        }
        return ScrapedMetrics.scrape(httpPort).value("starling_jvm_heap_used_bytes");
    }

    /** Every acknowledged message leaves the store: the charged bytes come back to the value. */
    private static void awaitStoredBytes(int httpPort, long expected) throws Exception {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        long value;
        while ((value = ScrapedMetrics.scrape(httpPort).value("starling_store_queued_bytes")) != expected) {
            assertTrue(
                    System.nanoTime() < deadline, "starling_store_queued_bytes is " + value + ", expected " + expected);
            Thread.sleep(50); // polling interval, not synchronisation: the value decides
        }
    }
}
