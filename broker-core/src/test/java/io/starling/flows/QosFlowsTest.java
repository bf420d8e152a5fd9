package io.starling.flows;

import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.PUBCOMP;
import static io.starling.testing.RawMqttClient.PUBREC;
import static io.starling.testing.RawMqttClient.PUBREL;
import static io.starling.testing.RawMqttClient.ackPacket;
import static io.starling.testing.RawMqttClient.publishPacket;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** QoS 0, 1 and 2 flows end to end, and the QoS 2 exactly-once rule on the publisher side. */
class QosFlowsTest extends BrokerWithPaho {

    @Test
    void eachQosIsDeliveredEndToEndWithItsQos() throws Exception {
        Paho.Client subscriber = paho.subscriber("sub", "qos/#", 2);
        Paho.Client publisher = paho.connect("pub");

        publisher.publish("qos/0", "zero", 0);
        publisher.publish("qos/1", "one", 1);
        publisher.publish("qos/2", "two", 2);

        assertEquals(
                new Received.Msg("qos/0", "zero", 0, false, false),
                subscriber.received().next());
        assertEquals(
                new Received.Msg("qos/1", "one", 1, false, false),
                subscriber.received().next());
        assertEquals(
                new Received.Msg("qos/2", "two", 2, false, false),
                subscriber.received().next());
    }

    @Test
    void qos1PublishGetsPubackWithItsPacketId() throws Exception {
        Paho.Client subscriber = paho.subscriber("sub", "q1", 1);
        try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
            assertEquals(0, publisher.connect("raw-pub", true, 0));
            publisher.send(publishPacket("q1", 1, 4242, "hello"));
            assertEquals(4242, publisher.expect(PUBACK).packetId());
        }
        assertEquals(
                new Received.Msg("q1", "hello", 1, false, false),
                subscriber.received().next());
    }

    @Test
    void qos2IsDeliveredExactlyOnceWhenThePublisherResendsWithDupBeforePubrel() throws Exception {
        Paho.Client subscriber = paho.subscriber("sub", "q2/#", 2);
        try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
            assertEquals(0, publisher.connect("raw-pub", true, 0));
            byte[] payload = "once".getBytes(StandardCharsets.UTF_8);
            publisher.send(publishPacket("q2/x", 2, 7, payload, false, false));
            assertEquals(7, publisher.expect(PUBREC).packetId());
            // The PUBREC "got lost": the client sends the same message again with DUP=1, twice.
            publisher.send(publishPacket("q2/x", 2, 7, payload, true, false));
            assertEquals(7, publisher.expect(PUBREC).packetId());
            publisher.send(publishPacket("q2/x", 2, 7, payload, true, false));
            assertEquals(7, publisher.expect(PUBREC).packetId());
            publisher.send(ackPacket(PUBREL, 7));
            assertEquals(7, publisher.expect(PUBCOMP).packetId());

            // A later message from the same publisher marks the end of what the first could cause.
            publisher.send(publishPacket("q2/marker", 2, 8, "end".getBytes(StandardCharsets.UTF_8), false, false));
            assertEquals(8, publisher.expect(PUBREC).packetId());
            publisher.send(ackPacket(PUBREL, 8));
            assertEquals(8, publisher.expect(PUBCOMP).packetId());
        }
        assertEquals(List.of("once"), subscriber.received().payloadsUntilMarker("q2/marker"));
    }

    @Test
    void qos2PacketIdCanBeReusedForANewMessageAfterPubrel() throws Exception {
        Paho.Client subscriber = paho.subscriber("sub", "q2/#", 2);
        try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
            assertEquals(0, publisher.connect("raw-pub", true, 0));
            for (String payload : List.of("first", "second")) {
                publisher.send(publishPacket("q2/x", 2, 9, payload));
                assertEquals(9, publisher.expect(PUBREC).packetId());
                publisher.send(ackPacket(PUBREL, 9));
                assertEquals(9, publisher.expect(PUBCOMP).packetId());
            }
        }
        assertEquals("first", subscriber.received().next().payload());
        assertEquals("second", subscriber.received().next().payload());
    }

    @Test
    void clientsWithEmptyIdsGetDistinctGeneratedIdsAndBothReceive() throws Exception {
        try (RawMqttClient first = new RawMqttClient(broker.port());
                RawMqttClient second = new RawMqttClient(broker.port())) {
            assertEquals(0, first.connect("", true, 0));
            RawPublish.subscribe(first, 1, "anon", 1);
            assertEquals(0, second.connect("", true, 0));
            RawPublish.subscribe(second, 1, "anon", 1);

            paho.connect("pub").publish("anon", "to both", 1);
            // Had both been given one id, the second would have taken the first one over.
            assertEquals(List.of("to both"), RawPublish.receive(first, 1));
            assertEquals(List.of("to both"), RawPublish.receive(second, 1));
        }
    }

    @Test
    void pubrelForAnUnknownPacketIdStillGetsPubcomp() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, client.connect("raw", true, 0));
            client.send(ackPacket(PUBREL, 999));
            RawMqttClient.Packet pubcomp = client.expect(PUBCOMP);
            assertEquals(999, pubcomp.packetId());
            assertEquals(0, pubcomp.flags());
        }
    }
}
