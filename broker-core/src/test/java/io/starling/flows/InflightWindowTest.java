package io.starling.flows;

import static io.starling.testing.RawMqttClient.PUBACK;
import static io.starling.testing.RawMqttClient.PUBCOMP;
import static io.starling.testing.RawMqttClient.PUBREC;
import static io.starling.testing.RawMqttClient.PUBREL;
import static io.starling.testing.RawMqttClient.ackPacket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code mqtt.max-inflight-messages = 2}: a subscriber that does not acknowledge gets two
 * QoS 1/2 messages, the rest wait in order until acknowledgements open the window.
 */
class InflightWindowTest {

    /**
     * How long "nothing more arrives" is watched. The publisher has its PUBACKs, so every
     * message has already been handed to the subscriber's session; a broker ignoring the
     * window writes the third one within milliseconds.
     */
    private static final int SILENCE_MILLIS = 400;

    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start("mqtt.max-inflight-messages = 2");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void nonAckingSubscriberGetsOnlyTheWindowUntilItAcknowledges() throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", true);
            RawPublish.subscribe(subscriber, 1, "t", 1);
            RawPublish.connect(publisher, "pub", true);
            for (int i = 1; i <= 5; i++) {
                RawPublish.publishQos1(publisher, "t", i, "m" + i);
            }

            RawPublish m1 = RawPublish.read(subscriber);
            RawPublish m2 = RawPublish.read(subscriber);
            assertEquals("m1", m1.payload());
            assertEquals("m2", m2.payload());
            subscriber.setReadTimeout(SILENCE_MILLIS);
            assertTrue(subscriber.isSilent(), "a third message went out with two unacknowledged");
            subscriber.setReadTimeout(5000);

            subscriber.send(ackPacket(PUBACK, m1.packetId()));
            RawPublish m3 = RawPublish.read(subscriber);
            assertEquals("m3", m3.payload());
            subscriber.setReadTimeout(SILENCE_MILLIS);
            assertTrue(subscriber.isSilent(), "one acknowledgement opens room for one message");
            subscriber.setReadTimeout(5000);

            subscriber.send(ackPacket(PUBACK, m2.packetId()));
            subscriber.send(ackPacket(PUBACK, m3.packetId()));
            RawPublish m4 = RawPublish.read(subscriber);
            RawPublish m5 = RawPublish.read(subscriber);
            assertEquals("m4", m4.payload());
            assertEquals("m5", m5.payload());
        }
    }

    @Test
    void qos2MessageOccupiesTheWindowUntilPubcomp() throws Exception {
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "sub", true);
            RawPublish.subscribe(subscriber, 1, "t", 2);
            RawPublish.connect(publisher, "pub", true);
            // m1..m3 published (and delivered) at QoS 1, m4..m6 at QoS 2.
            for (int i = 1; i <= 3; i++) {
                RawPublish.publishQos1(publisher, "t", i, "m" + i);
            }
            for (int i = 4; i <= 6; i++) {
                publisher.send(RawMqttClient.publishPacket("t", 2, i, "m" + i));
                assertEquals(i, publisher.expect(PUBREC).packetId());
                publisher.send(ackPacket(PUBREL, i));
                assertEquals(i, publisher.expect(PUBCOMP).packetId());
            }
            RawPublish m1 = RawPublish.read(subscriber);
            RawPublish m2 = RawPublish.read(subscriber);
            subscriber.send(ackPacket(PUBACK, m1.packetId()));
            subscriber.send(ackPacket(PUBACK, m2.packetId()));
            RawPublish m3 = RawPublish.read(subscriber);
            RawPublish m4 = RawPublish.read(subscriber);
            assertEquals("m3", m3.payload());
            assertEquals("m4", m4.payload());
            assertEquals(2, m4.qos());
            subscriber.send(ackPacket(PUBACK, m3.packetId()));
            RawPublish m5 = RawPublish.read(subscriber);
            assertEquals("m5", m5.payload());

            // PUBREC for m4 does not free its slot: only PUBCOMP does.
            subscriber.send(ackPacket(PUBREC, m4.packetId()));
            assertEquals(m4.packetId(), subscriber.expect(PUBREL).packetId());
            subscriber.setReadTimeout(SILENCE_MILLIS);
            assertTrue(subscriber.isSilent(), "m6 was sent while m4 and m5 were both unfinished");
            subscriber.setReadTimeout(5000);
            subscriber.send(ackPacket(PUBCOMP, m4.packetId()));
            assertEquals("m6", RawPublish.read(subscriber).payload());
        }
    }
}
