package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Retained messages: last one per topic, deletion by empty payload, retain flag on delivery. */
class RetainedTest {

    private EmbeddedBroker broker;
    private Paho paho;
    private Paho.Client publisher;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start();
        paho = new Paho(broker);
        publisher = paho.connect("pub");
    }

    @AfterEach
    void stop() {
        paho.close();
        broker.close();
    }

    /**
     * A new subscriber to {@code filter} and what it receives right after SUBACK: retained
     * messages are sent then, before the live marker published afterwards.
     */
    private List<Received.Msg> retainedFor(String clientId, String filter, int qos) throws Exception {
        Paho.Client subscriber = paho.connect(clientId);
        subscriber.subscribe("marker", 2);
        subscriber.subscribe(filter, qos);
        publisher.publish("marker", "end", 2);
        return subscriber.received().untilMarker("marker");
    }

    @Test
    void newSubscriberGetsTheLastRetainedMessagePerTopicWithRetainFlag() throws Exception {
        publisher.publish("r/a", "a1", 1, true);
        publisher.publish("r/a", "a2", 1, true);
        publisher.publish("r/b", "b1", 2, true);
        publisher.publish("r/c", "not retained", 1, false);

        List<Received.Msg> received = retainedFor("sub", "r/+", 2);
        assertEquals(2, received.size(), received.toString());
        assertEquals(
                List.of(new Received.Msg("r/a", "a2", 1, true, false), new Received.Msg("r/b", "b1", 2, true, false)),
                received.stream()
                        .sorted(Comparator.comparing(Received.Msg::topic))
                        .toList());
    }

    @Test
    void retainedMessageQosIsCappedByTheGrantedQos() throws Exception {
        publisher.publish("r/a", "a", 2, true);
        assertEquals(List.of(new Received.Msg("r/a", "a", 1, true, false)), retainedFor("sub", "r/a", 1));
    }

    @Test
    void retainedPublishWithEmptyPayloadDeletesTheRetainedMessage() throws Exception {
        publisher.publish("r/a", "a", 1, true);
        publisher.publish("r/b", "b", 1, true);
        publisher.publish("r/a", "", 1, true);

        assertEquals(List.of(new Received.Msg("r/b", "b", 1, true, false)), retainedFor("sub", "r/#", 1));
    }

    @Test
    void liveForwardingOfARetainedPublishHasRetainFlagZero() throws Exception {
        Paho.Client subscriber = paho.connect("sub");
        subscriber.subscribe("r/a", 2);
        publisher.publish("r/a", "live", 2, true);

        assertEquals(
                new Received.Msg("r/a", "live", 2, false, false),
                subscriber.received().next());
        // The same message is retained for later subscribers, who get retain=1.
        assertEquals(List.of(new Received.Msg("r/a", "live", 2, true, false)), retainedFor("late", "r/a", 2));
    }

    @Test
    void emptyRetainedPublishIsStillForwardedToCurrentSubscribers() throws Exception {
        Paho.Client subscriber = paho.connect("sub");
        subscriber.subscribe("r/a", 1);
        publisher.publish("r/a", "", 1, true);
        assertEquals(
                new Received.Msg("r/a", "", 1, false, false),
                subscriber.received().next());
    }

    @Test
    void retainedMessageWithUtf8TopicAndBinaryPayloadIsKeptIntact() throws Exception {
        byte[] payload = new byte[300_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        publisher.mqtt().publish("r/température/°C", payload, 1, true);
        Paho.Client subscriber = paho.connect("sub");
        CompletableFuture<MqttMessage> arrived = new CompletableFuture<>();
        subscriber.mqtt().subscribe("r/+/°C", 1, (topic, message) -> {
            if (topic.equals("r/température/°C")) {
                arrived.complete(message);
            }
        });
        MqttMessage message = arrived.get(5, TimeUnit.SECONDS);
        assertArrayEquals(payload, message.getPayload());
        assertTrue(message.isRetained());
    }

    @Test
    void resubscribingSendsMatchingRetainedMessagesAgain() throws Exception {
        publisher.publish("r/a", "a", 1, true);
        Paho.Client subscriber = paho.connect("sub");
        subscriber.subscribe("r/a", 1);
        assertEquals(
                new Received.Msg("r/a", "a", 1, true, false),
                subscriber.received().next());

        subscriber.subscribe("r/a", 0);
        assertEquals(
                new Received.Msg("r/a", "a", 0, true, false),
                subscriber.received().next());
    }

    @Test
    void wildcardSubscriptionGetsRetainedMessagesButNotDollarTopicsFromHash() throws Exception {
        publisher.publish("sport", "s", 0, true);
        publisher.publish("sport/tennis", "t", 0, true);
        publisher.publish("$SYS/x", "sys", 0, true);

        List<String> topics = retainedFor("sub", "#", 0).stream()
                .map(Received.Msg::topic)
                .sorted()
                .toList();
        assertEquals(List.of("sport", "sport/tennis"), topics);
        List<String> sport = retainedFor("sub2", "sport/#", 0).stream()
                .map(Received.Msg::topic)
                .sorted()
                .toList();
        assertEquals(List.of("sport", "sport/tennis"), sport);
    }
}
