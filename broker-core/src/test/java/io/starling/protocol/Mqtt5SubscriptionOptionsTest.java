package io.starling.protocol;

import static io.starling.testing.Mqtt5Wire.publish;
import static io.starling.testing.Mqtt5Wire.publishTopic;
import static io.starling.testing.Mqtt5Wire.subscribe;
import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.PUBLISH;
import static io.starling.testing.RawMqttClient.SUBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.Mqtt5Wire;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Packet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQTT 5 subscription options over raw sockets: No Local, Retain As Published and Retain
 * Handling. That a message is not sent is shown by a later marker message arriving first:
 * the broker sends to one client in order.
 */
class Mqtt5SubscriptionOptionsTest {

    private static final int QOS_1 = 0x01;
    private static final int NO_LOCAL = 0x04;
    private static final int RETAIN_AS_PUBLISHED = 0x08;
    private static final int RETAIN_HANDLING_IF_NEW = 0x10;
    private static final int RETAIN_HANDLING_NEVER = 0x20;
    private static final int RETAIN = 0x01;

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static RawMqttClient connected5(String clientId) throws Exception {
        return Mqtt5Wire.connected(broker.port(), clientId, 0x02, new byte[0]);
    }

    private static void subscribed(RawMqttClient client, int packetId, String filter, int options) throws Exception {
        client.send(subscribe(packetId, new byte[0], filter, options));
        Packet suback = client.expect(SUBACK);
        assertEquals(options & 0x03, suback.body()[suback.body().length - 1], "SUBACK for " + filter);
    }

    /**
     * Publishes at QoS 1 and waits for PUBACK.
     *
     * @return the PUBLISHes the client got before its PUBACK (its own message may come first)
     */
    private static List<Packet> published(RawMqttClient client, String topic, int packetId, boolean retain)
            throws Exception {
        byte[] packet = publish(topic, 1, packetId, new byte[0], "m");
        if (retain) {
            packet[0] |= RETAIN;
        }
        client.send(packet);
        List<Packet> before = new ArrayList<>();
        for (Packet next = client.read(); next.type() != PUBACK; next = client.read()) {
            assertEquals(PUBLISH, next.type(), "waiting for PUBACK");
            before.add(next);
        }
        return before;
    }

    /** Publishes the marker to the client's marker subscription: it must be the next PUBLISH the client gets. */
    private static void expectMarkerNext(RawMqttClient client, RawMqttClient publisher, String marker)
            throws Exception {
        List<Packet> before = published(publisher, marker, 99, false);
        Packet next = publisher == client && !before.isEmpty() ? before.get(0) : client.expect(PUBLISH);
        assertEquals(marker, publishTopic(next));
    }

    private static void acknowledge(RawMqttClient client, Packet publish) throws Exception {
        client.send(RawMqttClient.ackPacket(PUBACK, Mqtt5Wire.publishPacketId(publish)));
    }

    @Test
    void mqtt_3_8_3_3_noLocalSubscriptionDoesNotGetTheClientsOwnMessages() throws Exception {
        try (RawMqttClient self = connected5("nl-self");
                RawMqttClient other = connected5("nl-other")) {
            subscribed(self, 1, "nl/t", QOS_1 | NO_LOCAL);
            subscribed(self, 2, "nl/marker", QOS_1);
            subscribed(other, 1, "nl/t", QOS_1 | NO_LOCAL);

            assertEquals(List.of(), published(self, "nl/t", 1, false), "[MQTT-3.8.3-3]");
            assertEquals("nl/t", publishTopic(other.expect(PUBLISH)), "another client's No Local subscription");
            expectMarkerNext(self, self, "nl/marker");

            // Another client's message reaches the No Local subscription.
            published(other, "nl/t", 1, false);
            assertEquals("nl/t", publishTopic(self.expect(PUBLISH)));
        }
    }

    @Test
    void mqtt_3_8_3_3_anOverlappingSubscriptionWithoutNoLocalStillDelivers() throws Exception {
        try (RawMqttClient self = connected5("nl-overlap")) {
            subscribed(self, 1, "nlo/t", QOS_1 | NO_LOCAL);
            subscribed(self, 2, "nlo/#", QOS_1);
            List<Packet> before = published(self, "nlo/t", 1, false);
            assertEquals("nlo/t", publishTopic(before.isEmpty() ? self.expect(PUBLISH) : before.get(0)));
            expectMarkerNext(self, self, "nlo/marker");
        }
    }

    @Test
    void mqtt_3_3_1_12_and_13_retainAsPublishedKeepsTheRetainFlagOnForwardedMessages() throws Exception {
        try (RawMqttClient keeping = connected5("rap-keep");
                RawMqttClient clearing = connected5("rap-clear");
                RawMqttClient publisher = connected5("rap-pub")) {
            subscribed(keeping, 1, "rap/t", QOS_1 | RETAIN_AS_PUBLISHED);
            subscribed(clearing, 1, "rap/t", QOS_1);

            published(publisher, "rap/t", 1, true);
            assertEquals(RETAIN, keeping.expect(PUBLISH).flags() & RETAIN, "[MQTT-3.3.1-12]");
            assertEquals(0, clearing.expect(PUBLISH).flags() & RETAIN, "[MQTT-3.3.1-13]");

            published(publisher, "rap/t", 2, false);
            assertEquals(0, keeping.expect(PUBLISH).flags() & RETAIN, "published without RETAIN");
        }
    }

    @Test
    void mqtt_3_3_1_9_retainHandling0SendsRetainedMessagesAtEverySubscribe() throws Exception {
        try (RawMqttClient publisher = connected5("rh0-pub");
                RawMqttClient subscriber = connected5("rh0-sub")) {
            published(publisher, "rh0/t", 1, true);
            subscribed(subscriber, 1, "rh0/t", QOS_1);
            Packet first = subscriber.expect(PUBLISH);
            assertEquals(RETAIN, first.flags() & RETAIN);
            acknowledge(subscriber, first);
            subscribed(subscriber, 2, "rh0/t", QOS_1);
            assertEquals("rh0/t", publishTopic(subscriber.expect(PUBLISH)), "again at a re-subscription");
        }
    }

    @Test
    void mqtt_3_3_1_10_retainHandling1SendsRetainedMessagesOnlyForANewSubscription() throws Exception {
        try (RawMqttClient publisher = connected5("rh1-pub");
                RawMqttClient subscriber = connected5("rh1-sub")) {
            published(publisher, "rh1/t", 1, true);
            subscribed(subscriber, 1, "rh1/marker", QOS_1);
            subscribed(subscriber, 2, "rh1/t", QOS_1 | RETAIN_HANDLING_IF_NEW);
            Packet first = subscriber.expect(PUBLISH);
            assertEquals("rh1/t", publishTopic(first));
            acknowledge(subscriber, first);
            subscribed(subscriber, 3, "rh1/t", QOS_1 | RETAIN_HANDLING_IF_NEW);
            expectMarkerNext(subscriber, publisher, "rh1/marker");
        }
    }

    @Test
    void mqtt_3_3_1_11_retainHandling2NeverSendsRetainedMessages() throws Exception {
        try (RawMqttClient publisher = connected5("rh2-pub");
                RawMqttClient subscriber = connected5("rh2-sub")) {
            published(publisher, "rh2/t", 1, true);
            subscribed(subscriber, 1, "rh2/marker", QOS_1);
            subscribed(subscriber, 2, "rh2/t", QOS_1 | RETAIN_HANDLING_NEVER);
            expectMarkerNext(subscriber, publisher, "rh2/marker");
        }
    }

    /** Paho's MQTT 5 client sets the options its own way; a No Local subscriber does not hear itself. */
    @Test
    void pahoNoLocalAndRetainAsPublished() throws Exception {
        MqttClient client = new MqttClient(broker.url(), "opts-paho", new MemoryPersistence());
        MqttClient other = new MqttClient(broker.url(), "opts-paho-other", new MemoryPersistence());
        try {
            client.connect(new MqttConnectionOptions());
            other.connect(new MqttConnectionOptions());
            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            MqttSubscription own = new MqttSubscription("paho-opts/t", 1);
            own.setNoLocal(true);
            own.setRetainAsPublished(true);
            MqttSubscription marker = new MqttSubscription("paho-opts/marker", 1);
            client.subscribe(new MqttSubscription[] {own, marker}, new IMqttMessageListener[] {
                (topic, message) -> received.add(message), (topic, message) -> received.add(message)
            });
            client.publish("paho-opts/t", bytes("own"), 1, false);
            other.publish("paho-opts/t", bytes("other"), 1, true);
            MqttMessage first = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(first, "no message from the other client");
            assertEquals("other", new String(first.getPayload(), StandardCharsets.UTF_8), "own message came back");
            assertTrue(first.isRetained(), "Retain As Published");
            client.disconnect();
            other.disconnect();
        } finally {
            client.close();
            other.close();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
