package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.starling.testing.EmbeddedBroker;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interoperability with a second independent MQTT 5 client library beside Paho: the HiveMQ MQTT
 * client (com.hivemq:hivemq-mqtt-client), its own codec and its own topic alias handling.
 * Connect, subscription options, QoS 0/1/2 with properties, topic aliases both ways, session
 * expiry across a reconnection.
 */
class HiveMqClientInteropTest {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start("mqtt5.topic-alias-maximum = 10", "mqtt5.topic-aliases-to-client = 10");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static Mqtt5BlockingClient client(String id) {
        return Mqtt5Client.builder()
                .identifier(id)
                .serverHost("127.0.0.1")
                .serverPort(broker.port())
                .buildBlocking();
    }

    private static Mqtt5ConnAck connect(Mqtt5BlockingClient client, boolean cleanStart) {
        return client.connectWith()
                .cleanStart(cleanStart)
                .sessionExpiryInterval(300)
                .restrictions()
                .topicAliasMaximum(10)
                .sendTopicAliasMaximum(10)
                .applyRestrictions()
                .send();
    }

    private static Mqtt5Publish next(Mqtt5BlockingClient.Mqtt5Publishes publishes) throws InterruptedException {
        return publishes.receive(10, TimeUnit.SECONDS).orElseThrow(() -> new AssertionError("no PUBLISH within 10 s"));
    }

    private static void publish(Mqtt5BlockingClient client, String topic, MqttQos qos, String payload) {
        client.publishWith()
                .topic(topic)
                .qos(qos)
                .payload(payload.getBytes(StandardCharsets.UTF_8))
                .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
                .contentType("text/plain")
                .responseTopic("interop/replies")
                .correlationData(("corr-" + payload).getBytes(StandardCharsets.UTF_8))
                .messageExpiryInterval(600)
                .userProperties()
                .add("first", "1")
                .add("second", "2")
                .add("first", "again")
                .applyUserProperties()
                .send();
    }

    private static String text(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void connectSubscribeWithOptionsPublishWithPropertiesAliasesAndSessionExpiry() throws Exception {
        Mqtt5BlockingClient subscriber = client("hive-sub");
        Mqtt5BlockingClient publisher = client("hive-pub");
        try (Mqtt5BlockingClient.Mqtt5Publishes received = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            Mqtt5ConnAck connack = connect(subscriber, true);
            assertFalse(connack.isSessionPresent());
            assertEquals(10, connack.getRestrictions().getTopicAliasMaximum());
            connect(publisher, true);

            List<Mqtt5SubAckReasonCode> granted = subscriber
                    .subscribeWith()
                    .addSubscription()
                    .topicFilter("interop/#")
                    .qos(MqttQos.EXACTLY_ONCE)
                    .noLocal(true)
                    .retainAsPublished(true)
                    .retainHandling(Mqtt5RetainHandling.SEND)
                    .applySubscription()
                    .send()
                    .getReasonCodes();
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_2), granted);

            // No Local: the subscriber's own message does not come back; the next one it gets is the publisher's.
            publish(subscriber, "interop/own", MqttQos.AT_LEAST_ONCE, "own");
            // The same topic at every QoS: the publisher's aliases towards the broker, the broker's towards the
            // subscriber.
            for (MqttQos qos : MqttQos.values()) {
                publish(publisher, "interop/aliased", qos, "qos" + qos.getCode());
            }
            for (MqttQos qos : MqttQos.values()) {
                Mqtt5Publish message = next(received);
                assertEquals("interop/aliased", message.getTopic().toString());
                assertEquals(qos, message.getQos());
                assertEquals("qos" + qos.getCode(), new String(message.getPayloadAsBytes(), StandardCharsets.UTF_8));
                assertEquals(
                        "text/plain", message.getContentType().orElseThrow().toString());
                assertEquals(
                        "interop/replies",
                        message.getResponseTopic().orElseThrow().toString());
                assertEquals(
                        "corr-qos" + qos.getCode(),
                        text(message.getCorrelationData().orElseThrow()));
                assertEquals(
                        Mqtt5PayloadFormatIndicator.UTF_8,
                        message.getPayloadFormatIndicator().orElseThrow());
                long expiry = message.getMessageExpiryInterval().orElseThrow();
                assertTrue(expiry > 0 && expiry <= 600, "Message Expiry Interval " + expiry);
                assertEquals(
                        List.of("first=1", "second=2", "first=again"),
                        message.getUserProperties().asList().stream()
                                .map(p -> p.getName() + "=" + p.getValue())
                                .toList());
            }

            // Retain As Published: a retained message forwarded live keeps RETAIN 1.
            publisher
                    .publishWith()
                    .topic("interop/kept")
                    .qos(MqttQos.AT_LEAST_ONCE)
                    .retain(true)
                    .payload(new byte[] {1, 2, 3})
                    .send();
            Mqtt5Publish kept = next(received);
            assertEquals("interop/kept", kept.getTopic().toString());
            assertTrue(kept.isRetain());
            assertArrayEquals(new byte[] {1, 2, 3}, kept.getPayloadAsBytes());

            // Session expiry: the session outlives the connection and gets what was published meanwhile.
            subscriber.disconnect();
            publish(publisher, "interop/while-away", MqttQos.AT_LEAST_ONCE, "away");
            assertTrue(connect(subscriber, false).isSessionPresent());
            Mqtt5Publish queued = next(received);
            assertEquals("interop/while-away", queued.getTopic().toString());
            assertEquals("away", new String(queued.getPayloadAsBytes(), StandardCharsets.UTF_8));
            assertEquals(
                    List.of("first=1", "second=2", "first=again"),
                    queued.getUserProperties().asList().stream()
                            .map(p -> p.getName() + "=" + p.getValue())
                            .toList());
            subscriber.disconnectWith().sessionExpiryInterval(0).send();
            publisher.disconnect();
        }
    }
}
