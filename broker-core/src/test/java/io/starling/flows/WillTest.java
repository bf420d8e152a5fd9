package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The will message: published with its QoS and retain flag on every close except after DISCONNECT. */
class WillTest {

    private EmbeddedBroker broker;
    private Paho paho;
    private Paho.Client watcher;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start();
        paho = new Paho(broker);
        watcher = paho.subscriber("watcher", "will/#", 2);
    }

    @AfterEach
    void stop() {
        paho.close();
        broker.close();
    }

    @Test
    void willIsPublishedWhenTheSocketClosesWithoutDisconnect() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            RawPublish.connectWithWill(client, "dying", 0, "will/dying", "gone", 2, false);
        }
        assertEquals(
                new Received.Msg("will/dying", "gone", 2, false, false),
                watcher.received().next());
    }

    @Test
    void willIsPublishedWhenKeepAliveExpires() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            RawPublish.connectWithWill(client, "silent", 1, "will/silent", "timed out", 1, false);
            assertTrue(client.isClosedByServer(), "the broker closes the silent connection");
            assertEquals(
                    new Received.Msg("will/silent", "timed out", 1, false, false),
                    watcher.received().next());
        }
    }

    @Test
    void willIsPublishedOnAProtocolViolation() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            RawPublish.connectWithWill(client, "rude", 0, "will/rude", "violated", 1, false);
            client.send(RawMqttClient.publishPacket("not/+/allowed", 0, 0, "wildcard in a topic name"));
            assertTrue(client.isClosedByServer());
        }
        assertEquals(
                new Received.Msg("will/rude", "violated", 1, false, false),
                watcher.received().next());
    }

    @Test
    void willIsNotPublishedAfterDisconnect() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            RawPublish.connectWithWill(client, "polite", 0, "will/polite", "must not appear", 1, false);
            client.send(RawMqttClient.disconnect());
            assertTrue(client.isClosedByServer());
        }
        // The will would have been routed when the connection closed, before this marker.
        paho.connect("pub").publish("will/marker", "end", 2);
        assertEquals(List.of(), watcher.received().payloadsUntilMarker("will/marker"));
    }

    @Test
    void retainedWillIsForwardedWithRetainZeroAndKeptForLaterSubscribers() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            RawPublish.connectWithWill(client, "device", 0, "will/device", "offline", 1, true);
        }
        assertEquals(
                new Received.Msg("will/device", "offline", 1, false, false),
                watcher.received().next());

        Paho.Client late = paho.subscriber("late", "will/device", 2);
        assertEquals(
                new Received.Msg("will/device", "offline", 1, true, false),
                late.received().next());
    }

    @Test
    void willQosIsCappedByTheSubscriptionQos() throws Exception {
        Paho.Client qos0 = paho.subscriber("qos0", "will/#", 0);
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            RawPublish.connectWithWill(client, "dying", 0, "will/dying", "gone", 2, false);
        }
        assertEquals(
                new Received.Msg("will/dying", "gone", 0, false, false),
                qos0.received().next());
        assertEquals(
                new Received.Msg("will/dying", "gone", 2, false, false),
                watcher.received().next());
    }
}
