package io.starling.flows;

import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.ackPacket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

/** A second connection with a client id already connected takes the session over. */
class TakeoverTest extends BrokerWithPaho {

    @Test
    void secondConnectionClosesTheFirstKeepsTheSessionAndPublishesTheFirstOnesWill() throws Exception {
        Paho.Client watcher = paho.subscriber("watcher", "will/#", 2);
        MqttConnectOptions options = Paho.options(false);
        options.setWill("will/device", "first connection gone".getBytes(), 1, false);
        Paho.Client first = paho.connect("device", options);
        first.subscribe("cmd", 1);

        Paho.Client second = paho.connect("device", false);
        assertTrue(second.sessionPresent(), "the session continues on the new connection");
        Await.until("the first connection to be closed", first.received()::connectionLost);
        assertEquals(
                new Received.Msg("will/device", "first connection gone", 1, false, false),
                watcher.received().next());

        paho.connect("pub").publish("cmd", "to the new connection", 1);
        assertEquals(
                new Received.Msg("cmd", "to the new connection", 1, false, false),
                second.received().next());
        assertTrue(second.mqtt().isConnected());
    }

    @Test
    void takeoverOfACleanSessionStartsFreshButStillClosesTheFirst() throws Exception {
        Paho.Client first = paho.connect("device", true);
        first.subscribe("cmd", 1);
        Paho.Client second = paho.connect("device", true);
        assertFalse(second.sessionPresent());
        Await.until("the first connection to be closed", first.received()::connectionLost);
        second.subscribe("marker", 2);
        Paho.Client publisher = paho.connect("pub");
        publisher.publish("cmd", "old subscription", 1);
        publisher.publish("marker", "end", 2);
        assertEquals(List.of(), second.received().payloadsUntilMarker("marker"));
    }

    @Test
    void unacknowledgedMessageOfTheOldConnectionIsResentWithDupOnTheNewOne() throws Exception {
        try (RawMqttClient first = new RawMqttClient(broker.port());
                RawMqttClient second = new RawMqttClient(broker.port())) {
            RawPublish.connect(first, "device", false);
            RawPublish.subscribe(first, 1, "cmd", 1);
            paho.connect("pub").publish("cmd", "in flight", 1);
            RawPublish original = RawPublish.read(first);
            assertFalse(original.dup());

            assertTrue(RawPublish.connect(second, "device", false));
            assertTrue(first.isClosedByServer(), "the old connection is closed");
            RawPublish resent = RawPublish.read(second);
            assertEquals(new RawPublish("cmd", 1, true, false, original.packetId(), "in flight"), resent);
            second.send(ackPacket(PUBACK, resent.packetId()));
        }
    }

    @Test
    void messagesQueuedBehindTheWindowOfTheOldConnectionFollowOnTheNewOneInOrder() throws Exception {
        broker.close();
        broker = EmbeddedBroker.start("mqtt.max-inflight-messages = 1");
        try (RawMqttClient first = new RawMqttClient(broker.port());
                RawMqttClient second = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(first, "device", false);
            RawPublish.subscribe(first, 1, "cmd", 1);
            RawPublish.connect(publisher, "pub", true);
            for (int i = 1; i <= 3; i++) {
                RawPublish.publishQos1(publisher, "cmd", i, "m" + i);
            }
            RawPublish m1 = RawPublish.read(first);
            assertEquals("m1", m1.payload());

            assertTrue(RawPublish.connect(second, "device", false));
            RawPublish resent = RawPublish.read(second);
            assertEquals(new RawPublish("cmd", 1, true, false, m1.packetId(), "m1"), resent);
            second.send(ackPacket(PUBACK, resent.packetId()));
            RawPublish.publishQos1(publisher, "cmd", 4, "marker");
            assertEquals(List.of("m2", "m3"), RawPublish.receiveUntil(second, "marker"));
        }
    }
}
