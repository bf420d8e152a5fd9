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

import io.starling.protocol.mqtt5.PropertyId;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.Mqtt5Wire;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Packet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Topic aliases from the broker to MQTT 5 clients that accept them, over raw sockets: Paho's
 * Java client 1.2.5 fails on a PUBLISH with an alias and no topic name
 * (eclipse-paho/paho.mqtt.java#866), so it is not used here.
 */
class Mqtt5TopicAliasesTest {

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static RawMqttClient connected5(String clientId, int topicAliasMaximum) throws Exception {
        byte[] connectProperties = topicAliasMaximum == 0
                ? new byte[0]
                : properties()
                        .u8(PropertyId.TOPIC_ALIAS_MAXIMUM.id())
                        .u16(topicAliasMaximum)
                        .toArray();
        return Mqtt5Wire.connected(broker.port(), clientId, 0x02, connectProperties);
    }

    /** Each topic is published once, in order; returns "topic name/alias" of each PUBLISH received (alias 0: none). */
    private static List<String> received(RawMqttClient subscriber, String filter, String... topics) throws Exception {
        try (RawMqttClient publisher = connected5("pub-" + filter, 0)) {
            subscriber.send(subscribe(1, new byte[0], filter, 1));
            subscriber.expect(SUBACK);
            List<String> names = new ArrayList<>();
            for (String topic : topics) {
                publisher.send(publish(topic, 1, 1, new byte[0], "m"));
                publisher.expect(PUBACK);
                Packet forwarded = subscriber.expect(PUBLISH);
                List<Object> alias = publishProperties(forwarded).getOrDefault(PropertyId.TOPIC_ALIAS, List.of(0L));
                names.add(publishTopic(forwarded) + "/" + alias.get(0));
                subscriber.send(RawMqttClient.ackPacket(PUBACK, Mqtt5Wire.publishPacketId(forwarded)));
            }
            return names;
        }
    }

    @Test
    void mqtt_3_1_2_26_aliasesAreSetUpUpToTheClientsMaximumThenUsedInsteadOfTheName() throws Exception {
        try (RawMqttClient subscriber = connected5("alias-2", 2)) {
            assertEquals(
                    List.of("ta/a/1", "/1", "ta/b/2", "ta/c/0", "/1", "/2", "ta/c/0"),
                    received(subscriber, "ta/#", "ta/a", "ta/a", "ta/b", "ta/c", "ta/a", "ta/b", "ta/c"));
        }
    }

    @Test
    void mqtt_3_1_2_27_noAliasesForAClientWithoutTopicAliasMaximum() throws Exception {
        try (RawMqttClient subscriber = connected5("alias-0", 0)) {
            assertEquals(List.of("tn/a/0", "tn/a/0"), received(subscriber, "tn/#", "tn/a", "tn/a"));
        }
    }

    @Test
    void aliasesLastAsLongAsTheConnection() throws Exception {
        try (RawMqttClient subscriber = connected5("alias-again", 1)) {
            assertEquals(List.of("tr/a/1", "/1"), received(subscriber, "tr/#", "tr/a", "tr/a"));
        }
        try (RawMqttClient subscriber = connected5("alias-again", 1)) {
            assertEquals(List.of("tr/a/1"), received(subscriber, "tr/#", "tr/a"), "a new connection starts with none");
        }
    }
}
