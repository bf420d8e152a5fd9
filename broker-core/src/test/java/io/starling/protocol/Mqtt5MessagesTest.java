package io.starling.protocol;

import static io.starling.testing.Mqtt5Wire.properties;
import static io.starling.testing.Mqtt5Wire.publish;
import static io.starling.testing.Mqtt5Wire.publishPacketId;
import static io.starling.testing.Mqtt5Wire.publishProperties;
import static io.starling.testing.Mqtt5Wire.sessionExpiry;
import static io.starling.testing.Mqtt5Wire.subscribe;
import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.PUBLISH;
import static io.starling.testing.RawMqttClient.SUBACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.protocol.mqtt5.PropertyId;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.Mqtt5Wire;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Packet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an MQTT 5 message carries from publisher to subscriber (raw sockets): its properties
 * forwarded unaltered and in order, Message Expiry counted down and expired messages never
 * delivered, and the subscriber's Maximum Packet Size respected.
 */
class Mqtt5MessagesTest {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static RawMqttClient connected5(String clientId, int flags, byte[] properties) throws Exception {
        return Mqtt5Wire.connected(broker.port(), clientId, flags, properties);
    }

    @Test
    void mqtt_3_3_2_17_and_18_propertiesAreForwardedUnalteredAndInOrder() throws Exception {
        byte[] sent = properties()
                .u8(PropertyId.PAYLOAD_FORMAT_INDICATOR.id())
                .u8(1)
                .u8(PropertyId.MESSAGE_EXPIRY_INTERVAL.id())
                .u32(3600)
                .u8(PropertyId.CONTENT_TYPE.id())
                .string("text/plain")
                .u8(PropertyId.RESPONSE_TOPIC.id())
                .string("replies/1")
                .u8(PropertyId.CORRELATION_DATA.id())
                .binary(new byte[] {1, 2, 3})
                .u8(PropertyId.USER_PROPERTY.id())
                .string("k")
                .string("2")
                .u8(PropertyId.USER_PROPERTY.id())
                .string("a")
                .string("1")
                .u8(PropertyId.USER_PROPERTY.id())
                .string("k")
                .string("3")
                .toArray();
        try (RawMqttClient subscriber5 = connected5("props-sub5", 0x02, new byte[0]);
                RawMqttClient subscriber311 = new RawMqttClient(broker.port());
                RawMqttClient publisher = connected5("props-pub", 0x02, new byte[0])) {
            subscriber5.send(subscribe(1, new byte[0], "props", 1));
            subscriber5.expect(SUBACK);
            subscriber311.connect("props-sub311", true, 60);
            subscriber311.send(RawMqttClient.subscribePacket(1, "props", 1));
            subscriber311.expect(SUBACK);
            publisher.send(publish("props", 1, 1, sent, "hello"));
            publisher.expect(PUBACK);

            Map<PropertyId, List<Object>> received = publishProperties(subscriber5.expect(PUBLISH));
            assertEquals(List.of(1L), received.get(PropertyId.PAYLOAD_FORMAT_INDICATOR), "[MQTT-3.3.2-4]");
            assertEquals(List.of("text/plain"), received.get(PropertyId.CONTENT_TYPE), "[MQTT-3.3.2-20]");
            assertEquals(List.of("replies/1"), received.get(PropertyId.RESPONSE_TOPIC), "[MQTT-3.3.2-15]");
            assertArrayEquals(
                    new byte[] {1, 2, 3},
                    (byte[]) received.get(PropertyId.CORRELATION_DATA).get(0),
                    "[MQTT-3.3.2-16]");
            assertEquals(List.of("k=2", "a=1", "k=3"), received.get(PropertyId.USER_PROPERTY));
            long remaining =
                    (Long) received.get(PropertyId.MESSAGE_EXPIRY_INTERVAL).get(0);
            assertTrue(remaining > 0 && remaining <= 3600, "[MQTT-3.3.2-6] remaining " + remaining);

            // An MQTT 3.1.1 subscriber gets the 3.1.1 packet: topic, packet id, payload.
            Packet classic = subscriber311.expect(PUBLISH);
            assertEquals(2 + "props".length() + 2 + "hello".length(), classic.body().length);
        }
    }

    @Test
    void mqtt_3_3_2_5_expiredMessageIsNotDeliveredToAnOfflineSession() throws Exception {
        byte[] keptAnHour = sessionExpiry(3600);
        try (RawMqttClient subscriber = connected5("expiry-sub", 0x02, keptAnHour)) {
            subscriber.send(subscribe(1, new byte[0], "expiring", 1));
            subscriber.expect(SUBACK);
            subscriber.send(Mqtt5Wire.disconnect(0, new byte[0]));
            assertTrue(subscriber.isClosedByServer());
        }
        long publishedAt;
        try (RawMqttClient publisher = connected5("expiry-pub", 0x02, new byte[0])) {
            byte[] oneSecond = properties()
                    .u8(PropertyId.MESSAGE_EXPIRY_INTERVAL.id())
                    .u32(1)
                    .toArray();
            publisher.send(publish("expiring", 1, 1, oneSecond, "short-lived"));
            publisher.expect(PUBACK);
            publishedAt = System.currentTimeMillis();
            publisher.send(publish("expiring", 1, 2, new byte[0], "lasting"));
            publisher.expect(PUBACK);
        }
        // The feature is about time: the first message's one second has to pass before the
        // subscriber returns (nothing else is waited for this way).
        while (System.currentTimeMillis() < publishedAt + 1100) {
            Thread.sleep(50);
        }
        try (RawMqttClient subscriber = connected5("expiry-sub", 0x00, keptAnHour)) {
            Packet delivered = subscriber.expect(PUBLISH);
            String payload = new String(delivered.body(), StandardCharsets.UTF_8);
            assertTrue(payload.endsWith("lasting"), payload);
            subscriber.send(RawMqttClient.ackPacket(PUBACK, publishPacketId(delivered)));
            assertTrue(subscriber.isSilent(), "the expired message was delivered");
        }
    }

    @Test
    void mqtt_3_1_2_24_messageAboveTheClientsMaximumPacketSizeIsDroppedForItAndCounted() throws Exception {
        byte[] small =
                properties().u8(PropertyId.MAXIMUM_PACKET_SIZE.id()).u32(64).toArray();
        long droppedBefore = broker.broker().metrics().dropped();
        try (RawMqttClient subscriber = connected5("small-sub", 0x02, small);
                RawMqttClient publisher = connected5("small-pub", 0x02, new byte[0])) {
            subscriber.send(subscribe(1, new byte[0], "sizes", 1));
            subscriber.expect(SUBACK);
            publisher.send(publish("sizes", 1, 1, new byte[0], "x".repeat(200)));
            publisher.expect(PUBACK);
            publisher.send(publish("sizes", 1, 2, new byte[0], "fits"));
            publisher.expect(PUBACK);
            Packet delivered = subscriber.expect(PUBLISH);
            assertTrue(new String(delivered.body(), StandardCharsets.UTF_8).endsWith("fits"));
            assertEquals(droppedBefore + 1, broker.broker().metrics().dropped());
        }
    }
}
