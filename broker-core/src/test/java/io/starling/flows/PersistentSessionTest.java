package io.starling.flows;

import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.PUBCOMP;
import static io.starling.testing.RawMqttClient.PUBREC;
import static io.starling.testing.RawMqttClient.PUBREL;
import static io.starling.testing.RawMqttClient.ackPacket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Clean session 0: session-present, offline queueing, re-sending unacknowledged messages. */
class PersistentSessionTest {

    private EmbeddedBroker broker;
    private Paho paho;

    private void start(String... settings) throws Exception {
        broker = EmbeddedBroker.start(settings);
        paho = new Paho(broker);
    }

    @AfterEach
    void stop() {
        if (paho != null) {
            paho.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** Creates a persistent session subscribed to the filter and leaves it offline. */
    private void goOffline(String clientId, String filter, int qos) throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            RawPublish.connect(client, clientId, false);
            RawPublish.subscribe(client, 1, filter, qos);
            Offline.disconnect(client);
        }
    }

    @Test
    void sessionPresentIsZeroForANewSessionThenOneWhileItIsStored() throws Exception {
        start();
        Paho.Client first = paho.connect("persistent", false);
        assertFalse(first.sessionPresent());
        first.disconnect();

        Paho.Client second = paho.connect("persistent", false);
        assertTrue(second.sessionPresent());
    }

    @Test
    void cleanSessionDiscardsTheStoredSession() throws Exception {
        start();
        Paho.Client first = paho.connect("c", false);
        first.subscribe("t", 1);
        first.disconnect();

        Paho.Client clean = paho.connect("c", true);
        assertFalse(clean.sessionPresent(), "clean session 1 never gets session-present");
        clean.disconnect();

        Paho.Client again = paho.connect("c", false);
        assertFalse(again.sessionPresent(), "the stored session was discarded by the clean connect");
        again.subscribe("marker", 2);
        Paho.Client publisher = paho.connect("pub");
        publisher.publish("t", "old subscription", 1);
        publisher.publish("marker", "end", 2);
        assertEquals(List.of(), again.received().payloadsUntilMarker("marker"), "the old subscription is gone");
    }

    @Test
    void cleanSessionConnectionDoesNotLeaveASessionBehind() throws Exception {
        start();
        paho.connect("c", true).disconnect();
        assertFalse(paho.connect("c", false).sessionPresent());
    }

    @Test
    void qos1And2MessagesForAnOfflineSessionAreQueuedAndQos0IsNotByDefault() throws Exception {
        start();
        goOffline("sub", "t/#", 2);

        Paho.Client publisher = paho.connect("pub");
        publisher.publish("t/1", "qos1", 1);
        publisher.publish("t/0", "qos0", 0);
        publisher.publish("t/2", "qos2", 2);

        Paho.Client back = paho.connect("sub", false);
        assertTrue(back.sessionPresent());
        publisher.publish("t/marker", "end", 2);
        List<Received.Msg> received = back.received().untilMarker("t/marker");
        assertEquals(
                List.of(
                        new Received.Msg("t/1", "qos1", 1, false, false),
                        new Received.Msg("t/2", "qos2", 2, false, false)),
                received);
    }

    @Test
    void qos0MessagesAreQueuedWhenConfigured() throws Exception {
        start("mqtt.queue-qos0-messages = true");
        goOffline("sub", "t/#", 2);

        Paho.Client publisher = paho.connect("pub");
        publisher.publish("t/0", "qos0", 0);
        publisher.publish("t/1", "qos1", 1);

        Paho.Client back = paho.connect("sub", false);
        publisher.publish("t/marker", "end", 2);
        assertEquals(
                List.of(
                        new Received.Msg("t/0", "qos0", 0, false, false),
                        new Received.Msg("t/1", "qos1", 1, false, false)),
                back.received().untilMarker("t/marker"));
    }

    @Test
    void offlineMessagesAreDeliveredInPublishOrder() throws Exception {
        start();
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", false);
            RawPublish.subscribe(subscriber, 1, "t", 1);
            Offline.disconnect(subscriber);
        }
        try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(publisher, "pub", true);
            for (int i = 1; i <= 20; i++) {
                RawPublish.publishQos1(publisher, "t", i, "m" + i);
            }
        }
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(subscriber, "sub", false));
            for (int i = 1; i <= 20; i++) {
                RawPublish publish = RawPublish.read(subscriber);
                assertEquals("m" + i, publish.payload());
                assertFalse(publish.dup(), "never sent before, so DUP=0");
                subscriber.send(ackPacket(PUBACK, publish.packetId()));
            }
        }
    }

    @Test
    void unacknowledgedMessagesAreResentWithDupInOriginalOrderOnReconnect() throws Exception {
        start();
        List<RawPublish> firstDelivery = new ArrayList<>();
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", false);
            RawPublish.subscribe(subscriber, 1, "t/#", 2);
            Paho.Client publisher = paho.connect("pub");
            publisher.publish("t/a", "first", 1);
            publisher.publish("t/b", "second", 2);
            publisher.publish("t/a", "third", 1);
            publisher.publish("t/c", "fourth", 2);
            for (int i = 0; i < 4; i++) {
                RawPublish publish = RawPublish.read(subscriber);
                assertFalse(publish.dup());
                firstDelivery.add(publish);
            }
            // No acknowledgement at all; the socket just closes.
        }
        assertEquals(
                List.of("first", "second", "third", "fourth"),
                firstDelivery.stream().map(RawPublish::payload).toList());

        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(subscriber, "sub", false));
            for (RawPublish original : firstDelivery) {
                RawPublish resent = RawPublish.read(subscriber);
                assertEquals(
                        new RawPublish(
                                original.topic(), original.qos(), true, false, original.packetId(), original.payload()),
                        resent,
                        "re-sent with DUP=1, same packet id, QoS and payload, in the original order");
            }
            // Now acknowledge everything; QoS 2 goes PUBREC -> PUBREL -> PUBCOMP.
            for (RawPublish original : firstDelivery) {
                if (original.qos() == 1) {
                    subscriber.send(ackPacket(PUBACK, original.packetId()));
                } else {
                    subscriber.send(ackPacket(PUBREC, original.packetId()));
                    RawMqttClient.Packet pubrel = subscriber.expect(PUBREL);
                    assertEquals(original.packetId(), pubrel.packetId());
                    assertEquals(0x02, pubrel.flags());
                    subscriber.send(ackPacket(PUBCOMP, original.packetId()));
                }
            }
            subscriber.send(RawMqttClient.disconnect());
            assertTrue(subscriber.isClosedByServer());
        }

        // Everything was acknowledged: the next connection gets nothing again, only new messages.
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(subscriber, "sub", false));
            paho.connect("pub2").publish("t/marker", "end", 1);
            RawPublish next = RawPublish.read(subscriber);
            assertEquals("end", next.payload(), "nothing re-sent after the acknowledgements");
            assertFalse(next.dup());
        }
    }

    @Test
    void pubrelIsResentForAQos2MessageWhosePubrecWasReceived() throws Exception {
        start();
        int packetId;
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", false);
            RawPublish.subscribe(subscriber, 1, "t", 2);
            paho.connect("pub").publish("t", "exactly once", 2);
            RawPublish publish = RawPublish.read(subscriber);
            packetId = publish.packetId();
            subscriber.send(ackPacket(PUBREC, packetId));
            assertEquals(packetId, subscriber.expect(PUBREL).packetId());
            // PUBCOMP never sent.
        }
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(subscriber, "sub", false));
            RawMqttClient.Packet pubrel = subscriber.expect(PUBREL);
            assertEquals(packetId, pubrel.packetId(), "PUBREL again, not the PUBLISH");
            subscriber.send(ackPacket(PUBCOMP, packetId));
            paho.connect("pub2").publish("t", "next", 2);
            RawPublish next = RawPublish.read(subscriber);
            assertEquals("next", next.payload());
            assertFalse(next.dup());
        }
    }
}
