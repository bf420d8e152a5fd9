package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.metrics.BrokerMetrics;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.NumberedPayloads;
import io.starling.testing.RawMqttClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The default queue-full policy, push-back: publishers wait, nothing acknowledged is dropped. */
class PushBackTest {

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

    @Test
    void aFullQueuePausesItsPublisherAndNothingAcknowledgedIsLostOnceTheSubscriberReads() throws Exception {
        // 20 MB from one publisher: more than the kernel's socket buffers take, so the
        // publisher really has to wait while the broker does not read it.
        int messages = 20_000;
        int size = 1000;
        int maxQueued = 100;
        broker = EmbeddedBroker.start("mqtt.max-inflight-messages = 4", "mqtt.max-queued-messages = " + maxQueued);
        try (RawMqttClient subscriber = new RawMqttClient(broker.port(), 10_000);
                RawMqttClient publisher = new RawMqttClient(broker.port(), 10_000)) {
            RawPublish.connect(subscriber, "slow", true);
            RawPublish.subscribe(subscriber, 1, "t", 1);
            RawPublish.connect(publisher, "pub", true);
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < messages; i++) {
                        publisher.send(
                                RawMqttClient.publishPacket("t", 1, i % 65_535 + 1, NumberedPayloads.of(i, size)));
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            AtomicLong mostQueued = new AtomicLong();
            Await.until("the publisher is paused", Duration.ofSeconds(30), () -> {
                mostQueued.accumulateAndGet(metrics().queued(), Math::max);
                return metrics().publishersPaused() > 0;
            });
            // Once paused the broker reads nothing more from the publisher: what it received stops growing.
            long[] received = {-1};
            Await.until("the broker stops reading the publisher", Duration.ofSeconds(30), () -> {
                mostQueued.accumulateAndGet(metrics().queued(), Math::max);
                long now = metrics().received(1);
                boolean stable = now == received[0] && metrics().queued() == mostQueued.get();
                received[0] = now;
                return stable;
            });
            assertTrue(received[0] < messages, "the publisher was stopped before it sent everything: " + received[0]);
            assertTrue(!sending.isDone(), "the publisher's writes are blocked");
            // The queue goes past its limit only by what the publisher read before it saw the queue
            // full: a read batch (at most ~1 MB) or a few while the subscriber's thread catches up.
            System.out.printf(
                    "push-back: %d received of %d, at most %d queued (limit %d)%n",
                    received[0], messages, mostQueued.get(), maxQueued);
            assertTrue(mostQueued.get() <= maxQueued + 4 * 1100, "queue bounded: " + mostQueued.get());
            assertEquals(0, metrics().dropped());

            List<String> delivered = RawPublish.receive(subscriber, messages);
            for (int i = 0; i < messages; i++) {
                assertEquals(String.format("%06d", i), delivered.get(i).substring(0, 6), "message " + i + " in order");
            }
            sending.get(30, TimeUnit.SECONDS);
            for (int i = 0; i < messages; i++) {
                publisher.expect(RawMqttClient.PUBACK);
            }
            assertEquals(0, metrics().dropped());
            assertEquals(0, metrics().queued());
        }
    }

    @Test
    void pastTheBudgetOfAllQueuesEvenPushBackDropsTheNewest() throws Exception {
        // The budget is the hard memory bound: 7 bytes, so of six 2-byte messages m1 is in
        // flight, m2..m4 are queued (6 bytes) and m5, m6 dropped, counted.
        broker = EmbeddedBroker.start("mqtt.max-inflight-messages = 1", "mqtt.max-queued-bytes-total = 7");
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", true);
            RawPublish.subscribe(subscriber, 1, "t", 1);
            RawPublish.connect(publisher, "pub", true);
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 1; i <= 6; i++) {
                burst.writeBytes(RawMqttClient.publishPacket("t", 1, i, "m" + i));
            }
            // One write, so the broker reads all six before it could pause the publisher.
            publisher.send(burst.toByteArray());
            Await.until("two messages dropped", () -> metrics().dropped(1) == 2);
            assertEquals(List.of("m1", "m2", "m3", "m4"), RawPublish.receive(subscriber, 4));
            for (int i = 1; i <= 6; i++) {
                assertEquals(i, publisher.expect(RawMqttClient.PUBACK).packetId());
            }
            assertEquals(0, metrics().queuedBytes());
        }
    }

    @Test
    void aClientIsNotPausedForItsOwnQueue() throws Exception {
        // Pausing it would deadlock: its acknowledgements, which drain the queue, would never be read.
        broker = EmbeddedBroker.start("mqtt.max-inflight-messages = 1", "mqtt.max-queued-messages = 2");
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            RawPublish.connect(client, "self", true);
            RawPublish.subscribe(client, 1, "loop", 1);
            for (int i = 1; i <= 10; i++) {
                client.send(RawMqttClient.publishPacket("loop", 1, i, "m" + i));
            }
            int pubacks = 0;
            int publishes = 0;
            while (pubacks < 10) {
                RawMqttClient.Packet packet = client.read();
                if (packet.type() == RawMqttClient.PUBACK) {
                    pubacks++;
                } else {
                    assertEquals(RawMqttClient.PUBLISH, packet.type());
                    publishes++;
                }
            }
            assertEquals(10, pubacks, "every PUBLISH acknowledged although the client's own queue is full");
            assertEquals(0, metrics().publishersPaused());
            // One in flight, two queued; its own full queue drops the newest, counted.
            Await.until("drops counted", () -> metrics().dropped(1) == 7);
            assertTrue(publishes <= 1, "only the window's message was sent: " + publishes);
        }
    }

    @Test
    void aPausedPublisherIsNotDisconnectedByItsKeepAlive() throws Exception {
        // While push-back pauses it, the publisher's PINGREQs wait unread in its socket: the
        // silence is the broker's. Here the pause outlasts 1.5 keep alives twice over.
        broker = EmbeddedBroker.start("mqtt.max-inflight-messages = 1", "mqtt.max-queued-messages = 4");
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "slow", true);
            RawPublish.subscribe(subscriber, 1, "t", 1);
            assertEquals(0, publisher.connect("pub", true, 1), "CONNACK return code");
            // Sent until the broker pauses the publisher: a burst read at once could be routed
            // before the subscriber's thread has queued any of it, and then nothing would pause it.
            int messages = 0;
            while (metrics().publishersPaused() == 0 && messages < 1000) {
                messages++;
                publisher.send(RawMqttClient.publishPacket("t", 1, messages, "m" + messages));
            }
            Await.until("the publisher is paused", () -> metrics().publishersPaused() == 1);
            int pings = 3;
            for (int i = 0; i < pings; i++) {
                // Paced as a client with keep alive 1 s pings.
                Thread.sleep(1000);
                publisher.send(RawMqttClient.pingreq());
            }
            assertEquals(1, metrics().publishersPaused(), "still paused: the subscriber has read nothing");

            assertEquals(messages, RawPublish.receive(subscriber, messages).size());
            int pubacks = 0;
            int pingresps = 0;
            while (pubacks + pingresps < messages + pings) {
                int type = publisher.read().type();
                if (type == RawMqttClient.PUBACK) {
                    pubacks++;
                } else {
                    assertEquals(RawMqttClient.PINGRESP, type);
                    pingresps++;
                }
            }
            assertEquals(messages, pubacks);
            assertEquals(pings, pingresps);
        }
    }

    @Test
    void aSubscriberThatNeverDrainsIsDisconnectedAfterThePushBackTimeoutAndKeepsItsMessages() throws Exception {
        broker = EmbeddedBroker.start(
                "mqtt.max-inflight-messages = 1", "mqtt.max-queued-messages = 2", "mqtt.push-back-timeout = 1s");
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "stuck", false);
            RawPublish.subscribe(subscriber, 1, "t", 1);
            RawPublish.connect(publisher, "pub", true);
            // m1 in flight, m2 and m3 fill the queue. (A further message could meet the paused
            // publisher, be read only once the subscriber is gone and meet its full offline queue.)
            for (int i = 1; i <= 3; i++) {
                RawPublish.publishQos1(publisher, "t", i, "m" + i);
            }
            assertTrue(subscriber.isClosedByServer(), "the subscriber that does not read is disconnected");
            assertEquals(1, metrics().slowConsumersDisconnected());
            // Its session went offline, which releases the publisher if it was paused.
            RawPublish.publishQos1(publisher, "other", 5, "reading again");
        }
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(subscriber, "stuck", false));
            assertEquals(List.of("m1", "m2", "m3"), RawPublish.receive(subscriber, 3));
            assertEquals(0, metrics().dropped());
        }
    }
}
