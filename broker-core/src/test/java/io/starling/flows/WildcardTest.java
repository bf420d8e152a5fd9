package io.starling.flows;

import static io.starling.testing.RawMqttClient.SUBACK;
import static io.starling.testing.RawMqttClient.subscribePacket;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.testing.RawMqttClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Topic filters with + and # end to end, $-topics, and per-entry SUBACK failure codes. */
class WildcardTest extends BrokerWithPaho {

    private static final List<String> TOPICS = List.of(
            "sport",
            "sport/tennis",
            "sport/tennis/player1",
            "sport/tennis/player1/ranking",
            "sports",
            "/finance",
            "a/x",
            "$SYS/x",
            "$SYS/broker/load");

    /** Which of {@link #TOPICS} a subscriber to {@code filter} receives. */
    private List<String> matchedTopics(String filter) throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            assertEquals(0, subscriber.connect("sub", true, 0));
            RawPublish.subscribe(subscriber, 1, filter, 0);
            RawPublish.subscribe(subscriber, 2, "marker/end", 0);
            try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
                assertEquals(0, publisher.connect("pub", true, 0));
                for (String topic : TOPICS) {
                    publisher.send(RawMqttClient.publishPacket(topic, 0, 0, topic));
                }
                publisher.send(RawMqttClient.publishPacket("marker/end", 0, 0, "end"));
                List<String> matched = new ArrayList<>();
                while (true) {
                    RawPublish publish = RawPublish.read(subscriber);
                    if (publish.topic().equals("marker/end")) {
                        return matched;
                    }
                    matched.add(publish.topic());
                }
            }
        }
    }

    @Test
    void singleLevelWildcardMatchesExactlyOneLevel() throws Exception {
        assertEquals(List.of("sport/tennis/player1"), matchedTopics("sport/tennis/+"));
        assertEquals(List.of("sport/tennis"), matchedTopics("sport/+"));
        assertEquals(List.of("sport", "sports"), matchedTopics("+"));
    }

    @Test
    void singleLevelWildcardMatchesAnEmptyLevel() throws Exception {
        assertEquals(List.of("sport/tennis", "/finance", "a/x"), matchedTopics("+/+"));
        assertEquals(List.of("/finance"), matchedTopics("/+"));
    }

    @Test
    void multiLevelWildcardMatchesTheParentLevelAndEverythingBelow() throws Exception {
        assertEquals(
                List.of("sport", "sport/tennis", "sport/tennis/player1", "sport/tennis/player1/ranking"),
                matchedTopics("sport/#"));
        assertEquals(
                List.of("sport/tennis/player1", "sport/tennis/player1/ranking"), matchedTopics("sport/+/player1/#"));
    }

    @Test
    void filtersStartingWithAWildcardDoNotMatchDollarTopics() throws Exception {
        assertEquals(
                List.of(
                        "sport",
                        "sport/tennis",
                        "sport/tennis/player1",
                        "sport/tennis/player1/ranking",
                        "sports",
                        "/finance",
                        "a/x"),
                matchedTopics("#"));
        assertEquals(List.of("a/x"), matchedTopics("+/x"));
        assertEquals(List.of("$SYS/x", "$SYS/broker/load"), matchedTopics("$SYS/#"));
        assertEquals(List.of("$SYS/x"), matchedTopics("$SYS/+"));
    }

    @Test
    void invalidFilterGetsFailureCodeForThatEntryOnlyAndTheOthersAreGranted() throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            assertEquals(0, subscriber.connect("sub", true, 0));
            subscriber.send(subscribePacket(5, "ok/+", 1, "a/#/b", 1, "sport+", 2, "fine/#", 2, "a/b#", 0, "", 1));
            RawMqttClient.Packet suback = subscriber.expect(SUBACK);
            assertEquals(5, suback.packetId());
            byte[] codes = Arrays.copyOfRange(suback.body(), 2, suback.body().length);
            assertArrayEquals(new byte[] {1, (byte) 0x80, (byte) 0x80, 2, (byte) 0x80, (byte) 0x80}, codes);

            // The granted ones work, the connection stays open.
            Paho.Client publisher = paho.connect("pub");
            publisher.publish("ok/1", "granted", 1);
            RawPublish publish = RawPublish.read(subscriber);
            assertEquals("ok/1", publish.topic());
            assertEquals(1, publish.qos());
            subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, publish.packetId()));
        }
    }
}
