package io.starling.protocol;

import static io.starling.testing.RawMqttClient.fixedHeader;
import static io.starling.testing.RawMqttClient.publishPacket;
import static io.starling.testing.RawMqttClient.subscribePacket;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default {@code max-packet-size} (16 MiB, header included) over real sockets: a 1 MiB
 * payload goes through, a larger packet is refused from its header; before CONNECT no packet
 * larger than the largest CONNECT is read.
 */
class PacketSizeTest {

    private static final int DEFAULT_MAX_PACKET_SIZE = 16 * 1024 * 1024;

    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void aOneMebibytePayloadIsPublishedAndReceivedWithTheDefaults() throws Exception {
        byte[] payload = new byte[1024 * 1024];
        new Random(19).nextBytes(payload);
        try (RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            assertEquals(0, subscriber.connect("big-subscriber", true, 60));
            subscriber.send(subscribePacket(1, "big/payload", 1));
            subscriber.expect(RawMqttClient.SUBACK);
            assertEquals(0, publisher.connect("big-publisher", true, 60));
            publisher.send(publishPacket("big/payload", 1, 7, payload, false, false));
            assertEquals(7, publisher.expect(RawMqttClient.PUBACK).packetId());
            byte[] received = subscriber.expect(RawMqttClient.PUBLISH).body();
            int payloadStart = 2 + "big/payload".length() + 2;
            assertArrayEquals(payload, Arrays.copyOfRange(received, payloadStart, received.length));
        }
    }

    @Test
    void aPacketOneByteOverTheDefaultClosesTheConnectionFromItsHeader() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, client.connect("one-byte-over", true, 60));
            // Four bytes of remaining length: a fixed header of five bytes. The body is never sent.
            client.send(fixedHeader(0x30, DEFAULT_MAX_PACKET_SIZE + 1 - 5));
            assertTrue(client.isClosedByServer(), "a packet of max-packet-size + 1 bytes closes the connection");
        }
    }

    @Test
    void theLargestConnectIsReadAndOneByteMoreBeforeConnectClosesTheConnection() throws Exception {
        String longest = "x".repeat(65_535);
        // Will, user name and password: all five fields of 65,535 bytes, the longer protocol name.
        byte[] largest =
                RawMqttClient.connectPacket("MQIsdp", 3, 0xC6, 60, longest, longest, longest, longest, longest);
        assertEquals(MqttFrameDecoder.LARGEST_CONNECT, largest.length);
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(largest);
            // Answered (the client id is too long for this broker), not closed for its size.
            assertEquals(2, client.expect(RawMqttClient.CONNACK).body()[1]);
        }
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(fixedHeader(0x10, largest.length - 4 + 1));
            assertTrue(client.isClosedByServer(), "a first packet larger than any CONNECT closes the connection");
        }
    }
}
