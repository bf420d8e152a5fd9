package io.starling.flows;

import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.ackPacket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.Mqtt5Wire;
import io.starling.testing.QuotaFill;
import io.starling.testing.RawMqttClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mqtt.max-queued-messages}, {@code mqtt.max-queued-bytes} and {@code max-queued-bytes-total} with the
 * drop-newest and drop-oldest policies, and push-back's drop-newest for offline clients; an MQTT
 * 5 publisher is told instead (0x97) when its message would be dropped for every subscriber.
 */
class QueueLimitTest {

    private EmbeddedBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * A persistent subscriber goes offline, six QoS 1 messages are published, it comes back:
     * the payloads it receives before a marker published after its return.
     */
    private List<String> deliveredAfterOfflinePublishes(String... settings) throws Exception {
        return deliveredAfterOfflinePublishes(List.of("m1", "m2", "m3", "m4", "m5", "m6"), settings);
    }

    /** Client "sub" subscribes to "t" at QoS 1 with a persistent session and goes offline. */
    private void subscribeOffline() throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", false);
            RawPublish.subscribe(subscriber, 1, "t", 1);
            Offline.disconnect(subscriber);
        }
    }

    /** As above with the given payloads, published in order while the subscriber is offline. */
    private List<String> deliveredAfterOfflinePublishes(List<String> payloads, String... settings) throws Exception {
        broker = EmbeddedBroker.start(settings);
        subscribeOffline();
        try (RawMqttClient publisher = new RawMqttClient(broker.port());
                RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            RawPublish.connect(publisher, "pub", true);
            for (int i = 0; i < payloads.size(); i++) {
                RawPublish.publishQos1(publisher, "t", i + 1, payloads.get(i));
            }
            assertTrue(RawPublish.connect(subscriber, "sub", false));
            RawPublish.publishQos1(publisher, "t", 100, "marker");
            return readUntilMarker(subscriber);
        }
    }

    private static List<String> readUntilMarker(RawMqttClient subscriber) throws Exception {
        List<String> payloads = new ArrayList<>();
        while (true) {
            RawPublish publish = RawPublish.read(subscriber);
            subscriber.send(ackPacket(PUBACK, publish.packetId()));
            if (publish.payload().equals("marker")) {
                return payloads;
            }
            payloads.add(publish.payload());
        }
    }

    @Test
    void dropNewestKeepsTheFirstMessagesOfAFullOfflineQueue() throws Exception {
        assertEquals(
                List.of("m1", "m2", "m3"),
                deliveredAfterOfflinePublishes("mqtt.max-queued-messages = 3", "mqtt.queue-full-policy = drop-newest"));
        assertEquals(3, broker.broker().counters().dropped());
    }

    @Test
    void dropOldestKeepsTheLastMessagesOfAFullOfflineQueue() throws Exception {
        assertEquals(
                List.of("m4", "m5", "m6"),
                deliveredAfterOfflinePublishes("mqtt.max-queued-messages = 3", "mqtt.queue-full-policy = drop-oldest"));
        assertEquals(3, broker.broker().counters().dropped());
    }

    @Test
    void queueBehindTheInflightWindowOfAnOnlineSubscriberIsBoundedToo() throws Exception {
        broker = EmbeddedBroker.start(
                "mqtt.max-inflight-messages = 1",
                "mqtt.max-queued-messages = 2",
                "mqtt.queue-full-policy = drop-newest");
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", true);
            RawPublish.subscribe(subscriber, 1, "t", 1);
            RawPublish.connect(publisher, "pub", true);
            for (int i = 1; i <= 5; i++) {
                RawPublish.publishQos1(publisher, "t", i, "m" + i);
            }
            // m1 in flight, m2 and m3 queued, m4 and m5 dropped.
            RawPublish first = RawPublish.read(subscriber);
            assertEquals("m1", first.payload());
            subscriber.send(ackPacket(PUBACK, first.packetId()));
            // Only once m2 has moved into the window is there room in the queue for the marker.
            RawPublish second = RawPublish.read(subscriber);
            assertEquals("m2", second.payload());
            subscriber.send(ackPacket(PUBACK, second.packetId()));
            RawPublish.publishQos1(publisher, "t", 100, "marker");
            assertEquals(List.of("m3"), readUntilMarker(subscriber));
            assertEquals(2, broker.broker().counters().dropped());
        }
    }

    // Payloads of 2 bytes ("m1".."m6") under a 7-byte limit: three fit (6 bytes), a fourth would make 8.

    @Test
    void dropNewestByBytesKeepsTheFirstMessagesThatFit() throws Exception {
        assertEquals(
                List.of("m1", "m2", "m3"),
                deliveredAfterOfflinePublishes("mqtt.max-queued-bytes = 7", "mqtt.queue-full-policy = drop-newest"));
        assertEquals(3, broker.broker().counters().dropped());
    }

    @Test
    void dropOldestByBytesKeepsTheLastMessagesThatFit() throws Exception {
        assertEquals(
                List.of("m4", "m5", "m6"),
                deliveredAfterOfflinePublishes("mqtt.max-queued-bytes = 7", "mqtt.queue-full-policy = drop-oldest"));
        assertEquals(3, broker.broker().counters().dropped());
    }

    @Test
    void dropOldestByBytesDropsAsManyOldMessagesAsTheNewOneNeeds() throws Exception {
        // 10-byte limit: a, bb, ccc (6 bytes) then dddddddd (8) needs all three gone; then e fits (9).
        assertEquals(
                List.of("dddddddd", "e"),
                deliveredAfterOfflinePublishes(
                        List.of("a", "bb", "ccc", "dddddddd", "e"),
                        "mqtt.max-queued-bytes = 10",
                        "mqtt.queue-full-policy = drop-oldest"));
        assertEquals(3, broker.broker().counters().dropped());
    }

    @Test
    void dropNewestByBytesStillQueuesASmallerMessageThatFits() throws Exception {
        // 10-byte limit: aaaa, bbbb (8 bytes); cccc would make 12 and is dropped; d makes 9 and fits.
        assertEquals(
                List.of("aaaa", "bbbb", "d"),
                deliveredAfterOfflinePublishes(
                        List.of("aaaa", "bbbb", "cccc", "d"),
                        "mqtt.max-queued-bytes = 10",
                        "mqtt.queue-full-policy = drop-newest"));
        assertEquals(1, broker.broker().counters().dropped());
    }

    @Test
    void aMessageLargerThanTheByteLimitIsDroppedEvenUnderDropOldest() throws Exception {
        assertEquals(
                List.of("m1", "m2"),
                deliveredAfterOfflinePublishes(
                        List.of("m1", "m2", "far-too-large"),
                        "mqtt.max-queued-bytes = 7",
                        "mqtt.queue-full-policy = drop-oldest"));
        assertEquals(1, broker.broker().counters().dropped());
    }

    @Test
    void pushBackDropsTheNewestForAnOfflineClient() throws Exception {
        assertEquals(List.of("m1", "m2", "m3"), deliveredAfterOfflinePublishes("mqtt.max-queued-messages = 3"));
        assertEquals(3, broker.broker().counters().dropped(1));
    }

    @Test
    void theBudgetOfAllQueuesDropsNewMessagesWhateverThePolicy() throws Exception {
        // 7 bytes for all clients: m1..m3 (6 bytes) fit, the others would take the total past it.
        assertEquals(
                List.of("m1", "m2", "m3"),
                deliveredAfterOfflinePublishes(
                        "mqtt.max-queued-bytes-total = 7", "mqtt.queue-full-policy = drop-oldest"));
        assertEquals(3, broker.broker().counters().dropped(1));
        assertEquals(0, broker.broker().counters().queuedBytes());
    }

    @Test
    void overTheBudgetOfAllQueuesQos0IsDroppedAndCounted() throws Exception {
        broker = EmbeddedBroker.start("mqtt.queue-qos0-messages = true", "mqtt.max-queued-bytes-total = 7");
        subscribeOffline();
        try (RawMqttClient publisher = new RawMqttClient(broker.port());
                RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            RawPublish.connect(publisher, "pub", true);
            for (int i = 1; i <= 6; i++) {
                publisher.send(RawMqttClient.publishPacket("t", 0, 0, "m" + i));
            }
            // The publisher's messages are routed in order: once this one is acknowledged the QoS 0 ones were routed.
            RawPublish.publishQos1(publisher, "elsewhere", 1, "sync");
            assertTrue(RawPublish.connect(subscriber, "sub", false));
            RawPublish.publishQos1(publisher, "t", 100, "marker");
            assertEquals(List.of("m1", "m2", "m3"), RawPublish.receiveUntil(subscriber, "marker"));
            assertEquals(3, broker.broker().counters().dropped(0));
        }
    }

    @Test
    void countAndByteLimitsApplyTogether() throws Exception {
        // Count limit 2 bites first with small payloads, the byte limit would allow 3.
        assertEquals(
                List.of("m1", "m2"),
                deliveredAfterOfflinePublishes("mqtt.max-queued-messages = 2", "mqtt.max-queued-bytes = 7"));
        assertEquals(4, broker.broker().counters().dropped());
    }

    @Test
    void anMqtt5PublisherIsToldWhenTheOnlySubscribersQueueInMemoryIsFull() throws Exception {
        broker = EmbeddedBroker.start("mqtt.max-queued-messages = 3");
        subscribeOffline();
        try (RawMqttClient publisher = Mqtt5Wire.connected(broker.port(), "pub5", 0x02, new byte[0]);
                RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            QuotaFill fill = QuotaFill.untilRefused(publisher, "t", 10, 10);
            assertEquals(0x97, fill.reason(), "PUBACK reason once the queue in memory is full");
            assertEquals(3, fill.accepted().size());
            assertEquals(1, broker.broker().counters().quotaExceededRefusals());
            assertEquals(0, broker.broker().counters().dropped(), "a refused message is not a drop");
            assertTrue(RawPublish.connect(subscriber, "sub", false));
            assertEquals(fill.accepted(), RawPublish.receive(subscriber, 3));
        }
    }
}
