package io.starling.protocol;

import static io.starling.testing.RawMqttClient.packet;
import static io.starling.testing.RawMqttClient.publishPacket;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packets that break MQTT 3.1.1 after a successful CONNECT: each closes that connection,
 * while a well-behaved client on the same broker keeps its round trips.
 */
class ViolationsTest {

    private static EmbeddedBroker broker;
    private static RawMqttClient bystander;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start("mqtt.max-packet-size = 1024");
        bystander = new RawMqttClient(broker.port());
        assertEquals(0, bystander.connect("bystander", true, 60));
    }

    @AfterAll
    static void stop() throws Exception {
        bystander.close();
        broker.close();
    }

    static Stream<Arguments> violations() {
        byte[] badUtf8Topic =
                new Bytes().u16(3).raw(new byte[] {'a', (byte) 0xC3, 0x28}).toArray();
        byte[] nulTopic = new Bytes().u16(3).raw(new byte[] {'a', 0, 'b'}).toArray();
        byte[] surrogateTopic = new Bytes()
                .u16(3)
                .raw(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})
                .toArray();
        byte[] overlongTopic =
                new Bytes().u16(2).raw(new byte[] {(byte) 0xC0, (byte) 0xAF}).toArray();
        return Stream.of(
                Arguments.of("PUBLISH with empty topic", publishPacket("", 0, 0, "x")),
                Arguments.of("PUBLISH to topic with +", publishPacket("a/+/b", 0, 0, "x")),
                Arguments.of("PUBLISH to topic with #", publishPacket("a/#", 1, 1, "x")),
                Arguments.of("PUBLISH with invalid UTF-8 topic", packet(0x30, badUtf8Topic)),
                Arguments.of("PUBLISH with U+0000 in topic", packet(0x30, nulTopic)),
                Arguments.of("PUBLISH with encoded surrogate in topic", packet(0x30, surrogateTopic)),
                Arguments.of("PUBLISH with overlong UTF-8 in topic", packet(0x30, overlongTopic)),
                Arguments.of(
                        "PUBLISH with QoS 3",
                        packet(0x36, new Bytes().string("t").u16(1).toArray())),
                Arguments.of(
                        "PUBLISH with DUP and QoS 0",
                        packet(0x38, new Bytes().string("t").toArray())),
                Arguments.of("PUBLISH QoS 1 with packet id 0", publishPacket("t", 1, 0, "x")),
                Arguments.of("PUBLISH QoS 2 with packet id 0", publishPacket("t", 2, 0, "x")),
                Arguments.of(
                        "PUBREL with flags 0000",
                        packet(0x60, new Bytes().u16(1).toArray())),
                Arguments.of(
                        "SUBSCRIBE with flags 0000",
                        packet(0x80, new Bytes().u16(1).string("t").u8(0).toArray())),
                Arguments.of(
                        "UNSUBSCRIBE with flags 0000",
                        packet(0xA0, new Bytes().u16(1).string("t").toArray())),
                Arguments.of(
                        "PUBACK with flags 0001",
                        packet(0x41, new Bytes().u16(1).toArray())),
                Arguments.of("PINGREQ with flags 0010", new byte[] {(byte) 0xC2, 0}),
                Arguments.of("DISCONNECT with flags 1000", new byte[] {(byte) 0xE8, 0}),
                Arguments.of(
                        "SUBSCRIBE without filters",
                        packet(0x82, new Bytes().u16(1).toArray())),
                Arguments.of(
                        "UNSUBSCRIBE without filters",
                        packet(0xA2, new Bytes().u16(1).toArray())),
                Arguments.of(
                        "SUBSCRIBE with QoS 3",
                        packet(0x82, new Bytes().u16(1).string("t").u8(3).toArray())),
                Arguments.of(
                        "SUBSCRIBE with reserved option bits",
                        packet(0x82, new Bytes().u16(1).string("t").u8(0x41).toArray())),
                Arguments.of(
                        "SUBSCRIBE with packet id 0",
                        packet(0x82, new Bytes().u16(0).string("t").u8(0).toArray())),
                Arguments.of(
                        "SUBSCRIBE with invalid UTF-8 filter",
                        packet(0x82, new Bytes().u16(1).raw(badUtf8Topic).u8(0).toArray())),
                Arguments.of("reserved packet type 0", new byte[] {0x00, 0}),
                Arguments.of("reserved packet type 15", new byte[] {(byte) 0xF0, 0}),
                Arguments.of("CONNACK from a client", packet(0x20, new byte[] {0, 0})),
                Arguments.of(
                        "SUBACK from a client",
                        packet(0x90, new Bytes().u16(1).u8(0).toArray())),
                Arguments.of(
                        "remaining length over 4 bytes",
                        new byte[] {0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}),
                Arguments.of(
                        "packet over the maximum size",
                        packet(
                                0x30,
                                new Bytes().string("big").raw(new byte[2000]).toArray())),
                Arguments.of("second CONNECT", RawMqttClient.connectPacket("again", true, 60)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("violations")
    void closesTheConnection(String what, byte[] bytes) throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, client.connect("violator", true, 60));
            client.send(bytes);
            assertTrue(client.isClosedByServer(), what + " must close the connection");
        }
        bystanderRoundTrip();
    }

    @Test
    void oversizePacketIsRefusedFromItsHeaderAlone() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, client.connect("oversize", true, 60));
            // Announce 100 MB and send only the header: the broker must not wait for the body.
            client.send(new byte[] {0x30, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x30});
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void slowlorisConnectByteByByteStillConnects() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            for (byte b : RawMqttClient.connectPacket("slow", true, 60)) {
                client.send(new byte[] {b});
            }
            assertEquals(0, client.expect(RawMqttClient.CONNACK).body()[1]);
        }
    }

    @Test
    void connectTimeoutClosesSilentConnections() throws Exception {
        try (EmbeddedBroker quick = EmbeddedBroker.start("mqtt.connect-timeout = 300ms");
                RawMqttClient client = new RawMqttClient(quick.port(), 5000)) {
            long start = System.nanoTime();
            assertTrue(client.isClosedByServer());
            assertTrue(System.nanoTime() - start >= 250_000_000L, "closed before the connect timeout");
        }
    }

    private static void bystanderRoundTrip() throws Exception {
        bystander.send(RawMqttClient.pingreq());
        bystander.expect(RawMqttClient.PINGRESP);
        bystander.send(publishPacket("bystander/echo", 1, 9, "ok".getBytes(StandardCharsets.UTF_8), false, false));
        assertEquals(9, bystander.expect(RawMqttClient.PUBACK).packetId());
    }
}
