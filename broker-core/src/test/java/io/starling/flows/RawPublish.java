package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.testing.RawMqttClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A PUBLISH read off the wire by a {@link RawMqttClient}, with its exact header bits. Public for the store modules' flow tests. */
public record RawPublish(String topic, int qos, boolean dup, boolean retain, int packetId, String payload) {

    static RawPublish parse(RawMqttClient.Packet packet) {
        assertEquals(RawMqttClient.PUBLISH, packet.type(), "expected a PUBLISH");
        byte[] body = packet.body();
        int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        String topic = new String(body, 2, topicLength, StandardCharsets.UTF_8);
        int position = 2 + topicLength;
        int qos = (packet.flags() >> 1) & 0x03;
        int packetId = 0;
        if (qos > 0) {
            packetId = ((body[position] & 0xFF) << 8) | (body[position + 1] & 0xFF);
            position += 2;
        }
        String payload = new String(Arrays.copyOfRange(body, position, body.length), StandardCharsets.UTF_8);
        return new RawPublish(
                topic, qos, (packet.flags() & 0x08) != 0, (packet.flags() & 0x01) != 0, packetId, payload);
    }

    /** Reads the next packet, which must be a PUBLISH. */
    static RawPublish read(RawMqttClient client) throws IOException {
        return parse(client.expect(RawMqttClient.PUBLISH));
    }

    /** Connects (MQTT 3.1.1, keep alive 0), checks CONNACK 0 and returns its session-present flag. */
    public static boolean connect(RawMqttClient client, String clientId, boolean cleanSession) throws IOException {
        client.send(RawMqttClient.connectPacket(clientId, cleanSession, 0));
        RawMqttClient.Packet connack = client.expect(RawMqttClient.CONNACK);
        assertEquals(0, connack.body()[1], "CONNACK return code");
        return (connack.body()[0] & 0x01) != 0;
    }

    /** A CONNECT (MQTT 3.1.1) with a will message. */
    static byte[] connectWithWill(
            String clientId,
            boolean cleanSession,
            int keepAlive,
            String willTopic,
            String willPayload,
            int willQos,
            boolean willRetain) {
        int flags = 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0) | (cleanSession ? 0x02 : 0);
        return RawMqttClient.connectPacket("MQTT", 4, flags, keepAlive, clientId, willTopic, willPayload);
    }

    /** Connects with a will and checks CONNACK 0. */
    static void connectWithWill(
            RawMqttClient client,
            String clientId,
            int keepAlive,
            String willTopic,
            String willPayload,
            int willQos,
            boolean willRetain)
            throws IOException {
        client.send(connectWithWill(clientId, true, keepAlive, willTopic, willPayload, willQos, willRetain));
        assertEquals(0, client.expect(RawMqttClient.CONNACK).body()[1], "CONNACK return code");
    }

    /** Publishes at QoS 1 and waits for the PUBACK. */
    static void publishQos1(RawMqttClient client, String topic, int packetId, String payload) throws IOException {
        client.send(RawMqttClient.publishPacket(topic, 1, packetId, payload));
        assertEquals(packetId, client.expect(RawMqttClient.PUBACK).packetId(), "PUBACK packet id");
    }

    /**
     * Reads and acknowledges (PUBACK, or PUBREC then PUBCOMP on PUBREL) every message up to
     * the one with payload {@code marker}; returns the payloads before it.
     */
    static List<String> receiveUntil(RawMqttClient client, String marker) throws IOException {
        List<String> payloads = new ArrayList<>();
        while (true) {
            String payload = receiveNext(client);
            if (payload.equals(marker)) {
                return payloads;
            }
            payloads.add(payload);
        }
    }

    /** Reads and acknowledges {@code count} messages; returns their payloads in arrival order. */
    public static List<String> receive(RawMqttClient client, int count) throws IOException {
        List<String> payloads = new ArrayList<>();
        while (payloads.size() < count) {
            payloads.add(receiveNext(client));
        }
        return payloads;
    }

    /** The payload of the next PUBLISH, acknowledged; PUBRELs on the way are answered with PUBCOMP. */
    private static String receiveNext(RawMqttClient client) throws IOException {
        while (true) {
            RawMqttClient.Packet packet = client.read();
            if (packet.type() == RawMqttClient.PUBREL) {
                client.send(RawMqttClient.ackPacket(RawMqttClient.PUBCOMP, packet.packetId()));
                continue;
            }
            RawPublish publish = parse(packet);
            if (publish.qos() > 0) {
                int ack = publish.qos() == 1 ? RawMqttClient.PUBACK : RawMqttClient.PUBREC;
                client.send(RawMqttClient.ackPacket(ack, publish.packetId()));
            }
            return publish.payload();
        }
    }

    /** Subscribes and checks the SUBACK's return codes. */
    public static void subscribe(RawMqttClient client, int packetId, String filter, int qos) throws IOException {
        client.send(RawMqttClient.subscribePacket(packetId, filter, qos));
        RawMqttClient.Packet suback = client.expect(RawMqttClient.SUBACK);
        assertEquals(packetId, suback.packetId(), "SUBACK packet id");
        assertEquals(qos, suback.body()[2], "granted QoS");
    }
}
