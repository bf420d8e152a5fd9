package io.starling.protocol;

import static io.starling.testing.Mqtt5Wire.properties;
import static io.starling.testing.Mqtt5Wire.publish;
import static io.starling.testing.Mqtt5Wire.publishProperties;
import static io.starling.testing.Mqtt5Wire.publishTopic;
import static io.starling.testing.Mqtt5Wire.subscribe;
import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.PUBLISH;
import static io.starling.testing.RawMqttClient.SUBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.starling.protocol.mqtt5.PropertyId;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.Mqtt5Wire;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Packet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** MQTT 5 Subscription Identifiers: kept with each subscription, sent with every PUBLISH it matches. */
class Mqtt5SubscriptionIdentifiersTest {

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

    private static void subscribed(RawMqttClient client, int packetId, String filter, int identifier) throws Exception {
        byte[] withIdentifier = identifier == 0
                ? new byte[0]
                : properties()
                        .u8(PropertyId.SUBSCRIPTION_IDENTIFIER.id())
                        .vbi(identifier)
                        .toArray();
        client.send(subscribe(packetId, withIdentifier, filter, 1));
        client.expect(SUBACK);
    }

    private static void published(RawMqttClient publisher, String topic) throws Exception {
        publisher.send(publish(topic, 1, 1, new byte[0], "m"));
        publisher.expect(PUBACK);
    }

    /** The identifiers of a PUBLISH, in ascending order (their order is not significant). */
    private static List<Object> identifiers(Packet publish) {
        Map<PropertyId, List<Object>> properties = publishProperties(publish);
        List<Object> found = properties.getOrDefault(PropertyId.SUBSCRIPTION_IDENTIFIER, List.of());
        return found.stream().sorted().toList();
    }

    @Test
    void mqtt_3_3_4_3_and_4_onePublishCarriesTheIdentifiersOfAllMatchingSubscriptions() throws Exception {
        try (RawMqttClient subscriber = connected5("sid-sub");
                RawMqttClient publisher = connected5("sid-pub")) {
            subscribed(subscriber, 1, "sid/+", 5);
            subscribed(subscriber, 2, "sid/#", 268_435_455);
            subscribed(subscriber, 3, "sid/a", 0);
            subscribed(subscriber, 4, "sid/b", 7);

            published(publisher, "sid/a");
            Packet publish = subscriber.expect(PUBLISH);
            assertEquals("sid/a", publishTopic(publish));
            assertEquals(List.of(5L, 268_435_455L), identifiers(publish), "[MQTT-3.3.4-4]");
            subscriber.send(RawMqttClient.ackPacket(PUBACK, Mqtt5Wire.publishPacketId(publish)));

            // One copy only: the next PUBLISH is the next message.
            published(publisher, "sid/b");
            publish = subscriber.expect(PUBLISH);
            assertEquals("sid/b", publishTopic(publish));
            assertEquals(List.of(5L, 7L, 268_435_455L), identifiers(publish), "[MQTT-3.3.4-3]");
        }
    }

    @Test
    void aResubscriptionWithoutAnIdentifierRemovesIt() throws Exception {
        try (RawMqttClient subscriber = connected5("sid-resub");
                RawMqttClient publisher = connected5("sid-resub-pub");
                RawMqttClient classic = new RawMqttClient(broker.port())) {
            subscribed(subscriber, 1, "sidr/t", 9);
            classic.connect("sid-classic", true, 60);
            classic.send(RawMqttClient.subscribePacket(1, "sidr/t", 1));
            classic.expect(SUBACK);
            published(publisher, "sidr/t");
            Packet first = subscriber.expect(PUBLISH);
            assertEquals(List.of(9L), identifiers(first));
            subscriber.send(RawMqttClient.ackPacket(PUBACK, Mqtt5Wire.publishPacketId(first)));
            // An MQTT 3.1.1 subscriber's PUBLISH has no properties: topic, packet id, payload.
            assertEquals(2 + "sidr/t".length() + 2 + 1, classic.expect(PUBLISH).body().length);

            subscribed(subscriber, 2, "sidr/t", 0);
            published(publisher, "sidr/t");
            assertNull(publishProperties(subscriber.expect(PUBLISH)).get(PropertyId.SUBSCRIPTION_IDENTIFIER));
        }
    }

    /** Paho's MQTT 5 client sets identifiers on its SUBSCRIBEs and reads them from the message. */
    @Test
    void pahoReceivesTheIdentifiersOfBothMatchingSubscriptions() throws Exception {
        MqttAsyncClient client = new MqttAsyncClient(broker.url(), "sid-paho", new MemoryPersistence());
        try {
            client.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            IMqttMessageListener listener = (topic, message) -> received.add(message);
            for (Object[] filterAndId : new Object[][] {{"sidp/+", 11}, {"sidp/#", 12}}) {
                MqttProperties properties = new MqttProperties();
                // Paho 1.2.5 reads the list when it subscribes and writes the single value.
                properties.setSubscriptionIdentifier((Integer) filterAndId[1]);
                properties.setSubscriptionIdentifiers(List.of((Integer) filterAndId[1]));
                client.subscribe(new MqttSubscription((String) filterAndId[0], 1), null, null, listener, properties)
                        .waitForCompletion(10_000);
            }
            client.publish("sidp/x", "m".getBytes(StandardCharsets.UTF_8), 1, false)
                    .waitForCompletion(10_000);
            MqttMessage message = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(message, "nothing received");
            assertEquals(
                    List.of(11, 12),
                    message.getProperties().getSubscriptionIdentifiers().stream()
                            .sorted()
                            .toList());
        } finally {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(10_000);
            }
            client.close();
        }
    }
}
