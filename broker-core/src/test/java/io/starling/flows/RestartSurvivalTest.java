package io.starling.flows;

import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.PUBCOMP;
import static io.starling.testing.RawMqttClient.PUBREC;
import static io.starling.testing.RawMqttClient.PUBREL;
import static io.starling.testing.RawMqttClient.ackPacket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.Storage;
import io.starling.storage.memory.InMemoryStorageProvider;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What survives a broker restart when the new broker opens the same {@link Storage}: persistent
 * sessions, their subscriptions, queued and in-flight messages, inbound QoS 2 state, retained
 * messages. (The new broker listens on another free port.)
 */
class RestartSurvivalTest {

    private Storage storage;
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        storage = InMemoryStorageProvider.newStorage();
        broker = EmbeddedBroker.start(storage, List.of(), List.of());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private void restart() throws Exception {
        broker.close();
        broker = EmbeddedBroker.start(storage, List.of(), List.of());
    }

    @Test
    void sessionSubscriptionsQueuedInFlightAndRetainedMessagesSurviveARestart() throws Exception {
        RawPublish inFlight;
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            assertFalse(RawPublish.connect(subscriber, "sub", false));
            RawPublish.subscribe(subscriber, 1, "t/#", 2);
            RawPublish.connect(publisher, "pub", true);
            RawPublish.publishQos1(publisher, "t/1", 1, "in flight");
            inFlight = RawPublish.read(subscriber);
            Offline.disconnect(subscriber); // without acknowledging it

            RawPublish.publishQos1(publisher, "t/2", 2, "queued");
            publisher.send(RawMqttClient.publishPacket("r/x", 1, 3, "kept".getBytes(), false, true));
            assertEquals(3, publisher.expect(PUBACK).packetId());
        }

        restart();

        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(subscriber, "sub", false), "session-present after the restart");
            RawPublish resent = RawPublish.read(subscriber);
            assertEquals(new RawPublish("t/1", 1, true, false, inFlight.packetId(), "in flight"), resent);
            RawPublish queued = RawPublish.read(subscriber);
            assertEquals("queued", queued.payload());
            assertFalse(queued.dup());
            subscriber.send(ackPacket(PUBACK, resent.packetId()));
            subscriber.send(ackPacket(PUBACK, queued.packetId()));

            // The subscription itself survived: a new message is routed without re-subscribing.
            RawPublish.connect(publisher, "pub", true);
            RawPublish.publishQos1(publisher, "t/3", 1, "after restart");
            RawPublish live = RawPublish.read(subscriber);
            assertEquals("after restart", live.payload());
            assertFalse(live.dup());
            subscriber.send(ackPacket(PUBACK, live.packetId()));

            // The retained message survived.
            try (RawMqttClient late = new RawMqttClient(broker.port())) {
                RawPublish.connect(late, "late", true);
                RawPublish.subscribe(late, 1, "r/#", 1);
                RawPublish retained = RawPublish.read(late);
                assertEquals("r/x", retained.topic());
                assertEquals("kept", retained.payload());
                assertTrue(retained.retain());
            }
        }
    }

    @Test
    void pubrelOwedToASubscriberIsResentAfterARestart() throws Exception {
        int packetId;
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", false);
            RawPublish.subscribe(subscriber, 1, "t", 2);
            RawPublish.connect(publisher, "pub", true);
            publisher.send(RawMqttClient.publishPacket("t", 2, 1, "released"));
            assertEquals(1, publisher.expect(PUBREC).packetId());
            packetId = RawPublish.read(subscriber).packetId();
            subscriber.send(ackPacket(PUBREC, packetId));
            assertEquals(packetId, subscriber.expect(PUBREL).packetId());
            Offline.disconnect(subscriber); // PUBCOMP never sent
        }
        restart();
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(subscriber, "sub", false));
            RawMqttClient.Packet pubrel = subscriber.expect(PUBREL);
            assertEquals(packetId, pubrel.packetId(), "the PUBREL, not the message again");
            subscriber.send(ackPacket(PUBCOMP, packetId));
        }
    }

    @Test
    void unacknowledgedRetainedMessageSentOnSubscribeIsResentAfterARestart() throws Exception {
        try (RawMqttClient publisher = new RawMqttClient(broker.port());
                RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            RawPublish.connect(publisher, "pub", true);
            publisher.send(RawMqttClient.publishPacket("r/x", 1, 1, "retained".getBytes(), false, true));
            assertEquals(1, publisher.expect(PUBACK).packetId());

            RawPublish.connect(subscriber, "sub", false);
            RawPublish.subscribe(subscriber, 1, "r/x", 1);
            RawPublish retained = RawPublish.read(subscriber);
            assertEquals("retained", retained.payload());
            Offline.disconnect(subscriber); // without PUBACK
        }
        restart();
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(subscriber, "sub", false));
            RawPublish.connect(publisher, "pub", true);
            RawPublish.publishQos1(publisher, "r/x", 2, "marker");
            assertEquals(
                    List.of("retained"),
                    RawPublish.receiveUntil(subscriber, "marker"),
                    "the QoS 1 message the client never acknowledged is sent again");
        }
    }

    @Test
    void unsubscribeOfAPersistentSessionSurvivesARestart() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            RawPublish.connect(client, "sub", false);
            RawPublish.subscribe(client, 1, "gone", 1);
            RawPublish.subscribe(client, 2, "kept", 1);
            client.send(RawMqttClient.unsubscribePacket(3, "gone"));
            assertEquals(3, client.expect(RawMqttClient.UNSUBACK).packetId());
            Offline.disconnect(client);
        }
        restart();
        try (RawMqttClient client = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(client, "sub", false));
            RawPublish.connect(publisher, "pub", true);
            RawPublish.publishQos1(publisher, "gone", 1, "unsubscribed before the restart");
            RawPublish.publishQos1(publisher, "kept", 2, "marker");
            assertEquals(List.of(), RawPublish.receiveUntil(client, "marker"));
        }
    }

    @Test
    void cleanSessionsDoNotSurviveARestart() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            RawPublish.connect(client, "clean", true);
            RawPublish.subscribe(client, 1, "t", 1);
        }
        restart();
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertFalse(RawPublish.connect(client, "clean", false));
        }
    }

    @Test
    void qos2FromAPublisherIsDeliveredExactlyOnceAcrossARestartBetweenPubrecAndPubrel() throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", false);
            RawPublish.subscribe(subscriber, 1, "t", 2);
            Offline.disconnect(subscriber);
        }
        try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(publisher, "pub", false);
            publisher.send(RawMqttClient.publishPacket("t", 2, 5, "once"));
            assertEquals(5, publisher.expect(PUBREC).packetId());
        }

        restart();

        try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(publisher, "pub", false));
            // PUBREC was "lost": the publisher re-sends the PUBLISH with DUP=1, then releases it.
            publisher.send(RawMqttClient.publishPacket("t", 2, 5, "once".getBytes(), true, false));
            assertEquals(5, publisher.expect(PUBREC).packetId());
            publisher.send(ackPacket(PUBREL, 5));
            assertEquals(5, publisher.expect(PUBCOMP).packetId());
            RawPublish.publishQos1(publisher, "t", 6, "marker");
        }
        try (RawMqttClient subscriber = new RawMqttClient(broker.port())) {
            assertTrue(RawPublish.connect(subscriber, "sub", false));
            List<String> payloads = RawPublish.receiveUntil(subscriber, "marker");
            assertEquals(List.of("once"), payloads);
        }
    }
}
