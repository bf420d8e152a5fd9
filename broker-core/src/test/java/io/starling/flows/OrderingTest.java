package io.starling.flows;

import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.PUBCOMP;
import static io.starling.testing.RawMqttClient.PUBREC;
import static io.starling.testing.RawMqttClient.PUBREL;
import static io.starling.testing.RawMqttClient.ackPacket;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ordered topics: messages from one publisher arrive in publish order, also when the
 * publisher pipelines them and the subscriber is behind its in-flight window; the broker
 * acknowledges in the order the PUBLISH packets came in (MQTT 3.1.1 section 4.6).
 */
class OrderingTest {

    private static final int COUNT = 200;

    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start("mqtt.max-inflight-messages = 5");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    /** All the PUBLISH packets in one write, without waiting for acknowledgements. */
    private static byte[] pipelined(int qos) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 1; i <= COUNT; i++) {
            bytes.writeBytes(RawMqttClient.publishPacket(i % 2 == 0 ? "o/even" : "o/odd", qos, i, "m" + i));
        }
        return bytes.toByteArray();
    }

    private static List<String> expectedPayloads() {
        return IntStream.rangeClosed(1, COUNT).mapToObj(i -> "m" + i).toList();
    }

    @Test
    void pipelinedQos1IsAcknowledgedAndDeliveredInOrder() throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", false);
            RawPublish.subscribe(subscriber, 1, "o/#", 1);
            RawPublish.connect(publisher, "pub", true);

            publisher.send(pipelined(1));
            for (int i = 1; i <= COUNT; i++) {
                assertEquals(i, publisher.expect(PUBACK).packetId(), "PUBACKs in the order of the PUBLISHes");
            }
            List<String> received = new ArrayList<>();
            for (int i = 1; i <= COUNT; i++) {
                RawPublish publish = RawPublish.read(subscriber);
                received.add(publish.payload());
                subscriber.send(ackPacket(PUBACK, publish.packetId()));
            }
            assertEquals(expectedPayloads(), received);
        }
    }

    @Test
    void pipelinedQos2IsAcknowledgedAndDeliveredInOrder() throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", true);
            RawPublish.subscribe(subscriber, 1, "o/#", 2);
            RawPublish.connect(publisher, "pub", true);

            publisher.send(pipelined(2));
            for (int i = 1; i <= COUNT; i++) {
                assertEquals(i, publisher.expect(PUBREC).packetId(), "PUBRECs in the order of the PUBLISHes");
            }
            for (int i = 1; i <= COUNT; i++) {
                publisher.send(ackPacket(PUBREL, i));
            }
            for (int i = 1; i <= COUNT; i++) {
                assertEquals(i, publisher.expect(PUBCOMP).packetId(), "PUBCOMPs in the order of the PUBRELs");
            }
            assertEquals(expectedPayloads(), RawPublish.receive(subscriber, COUNT));
        }
    }
}
