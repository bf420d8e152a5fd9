package io.starling.testing;

import io.starling.protocol.mqtt5.PropertyId;
import io.starling.testing.RawMqttClient.Bytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MQTT 5 bytes for raw-socket tests: CONNECT and other packets a client sends, and the
 * properties of what the broker sends read back by identifier (numbers as Long, strings as
 * String, binary as byte[], user properties as "key=value").
 */
public final class Mqtt5Wire {

    private Mqtt5Wire() {}

    /** A client connected with a version-5 CONNECT (flags 0x02: Clean Start) that got CONNACK 0. */
    public static RawMqttClient connected(int port, String clientId, int flags, byte[] properties) throws IOException {
        RawMqttClient client = new RawMqttClient(port);
        client.send(connect(clientId, flags, 60, properties));
        int reason = connackReason(client.expect(RawMqttClient.CONNACK));
        if (reason != 0) {
            client.close();
            throw new AssertionError("CONNACK reason " + reason + " for " + clientId);
        }
        return client;
    }

    /** A version-5 CONNECT: flags (0x02 Clean Start), keep alive, properties, client id. */
    public static byte[] connect(String clientId, int flags, int keepAlive, byte[] properties) {
        return connect(clientId, flags, keepAlive, properties, new byte[0]);
    }

    /** As {@link #connect(String, int, int, byte[])} with what follows the client id (will, user name, password). */
    public static byte[] connect(String clientId, int flags, int keepAlive, byte[] properties, byte[] rest) {
        byte[] body = new Bytes()
                .string("MQTT")
                .u8(5)
                .u8(flags)
                .u16(keepAlive)
                .properties(properties)
                .string(clientId)
                .raw(rest)
                .toArray();
        return RawMqttClient.packet(RawMqttClient.CONNECT << 4, body);
    }

    public static byte[] publish(String topic, int qos, int packetId, byte[] properties, String payload) {
        Bytes body = new Bytes().string(topic);
        if (qos > 0) {
            body.u16(packetId);
        }
        body.properties(properties).raw(payload.getBytes(StandardCharsets.UTF_8));
        return RawMqttClient.packet((RawMqttClient.PUBLISH << 4) | (qos << 1), body.toArray());
    }

    public static byte[] subscribe(int packetId, byte[] properties, String filter, int options) {
        byte[] body = new Bytes()
                .u16(packetId)
                .properties(properties)
                .string(filter)
                .u8(options)
                .toArray();
        return RawMqttClient.packet((RawMqttClient.SUBSCRIBE << 4) | 0x02, body);
    }

    public static byte[] unsubscribe(int packetId, String... filters) {
        Bytes body = new Bytes().u16(packetId).properties(new byte[0]);
        for (String filter : filters) {
            body.string(filter);
        }
        return RawMqttClient.packet((RawMqttClient.UNSUBSCRIBE << 4) | 0x02, body.toArray());
    }

    public static byte[] disconnect(int reasonCode, byte[] properties) {
        return RawMqttClient.packet(
                RawMqttClient.DISCONNECT << 4,
                new Bytes().u8(reasonCode).properties(properties).toArray());
    }

    /** An AUTH packet with its reason code and an Authentication Method and Data (data may be null). */
    public static byte[] auth(int reasonCode, String method, byte[] data) {
        return RawMqttClient.packet(
                RawMqttClient.AUTH << 4,
                new Bytes()
                        .u8(reasonCode)
                        .properties(authentication(method, data))
                        .toArray());
    }

    /** A properties section of an Authentication Method and, unless null, Authentication Data. */
    public static byte[] authentication(String method, byte[] data) {
        Bytes properties =
                properties().u8(PropertyId.AUTHENTICATION_METHOD.id()).string(method);
        if (data != null) {
            properties.u8(PropertyId.AUTHENTICATION_DATA.id()).binary(data);
        }
        return properties.toArray();
    }

    /** The reason code of an AUTH (0 when it has none). */
    public static int authReason(RawMqttClient.Packet auth) {
        return disconnectReason(auth);
    }

    /** The properties of an AUTH or DISCONNECT (none when it has no reason code). */
    public static Map<PropertyId, List<Object>> reasonCodeProperties(RawMqttClient.Packet packet) {
        return packet.body().length < 2 ? Map.of() : properties(packet.body(), 1);
    }

    public static Bytes properties() {
        return new Bytes();
    }

    /** A properties section of one Session Expiry Interval. */
    public static byte[] sessionExpiry(int seconds) {
        return properties()
                .u8(PropertyId.SESSION_EXPIRY_INTERVAL.id())
                .u32(seconds)
                .toArray();
    }

    /** A CONNACK's reason code. */
    public static int connackReason(RawMqttClient.Packet connack) {
        return connack.body()[1] & 0xFF;
    }

    /** A CONNACK's properties. */
    public static Map<PropertyId, List<Object>> connackProperties(RawMqttClient.Packet connack) {
        return properties(connack.body(), 2);
    }

    /** The reason code of a DISCONNECT (0 when it has none). */
    public static int disconnectReason(RawMqttClient.Packet disconnect) {
        return disconnect.body().length == 0 ? 0 : disconnect.body()[0] & 0xFF;
    }

    /** The reason code of a PUBACK, PUBREC, PUBREL or PUBCOMP (0 when it has none). */
    public static int ackReason(RawMqttClient.Packet ack) {
        return ack.body().length > 2 ? ack.body()[2] & 0xFF : 0;
    }

    /** The reason codes of a SUBACK or UNSUBACK. */
    public static List<Integer> ackReasons(RawMqttClient.Packet ack) {
        int at = 2;
        int[] length = variableByteInteger(ack.body(), at);
        at += length[1] + length[0];
        List<Integer> codes = new ArrayList<>();
        for (; at < ack.body().length; at++) {
            codes.add(ack.body()[at] & 0xFF);
        }
        return codes;
    }

    /** The topic of a PUBLISH the broker sent. */
    public static String publishTopic(RawMqttClient.Packet publish) {
        int length = ((publish.body()[0] & 0xFF) << 8) | (publish.body()[1] & 0xFF);
        return new String(publish.body(), 2, length, StandardCharsets.UTF_8);
    }

    /** The packet id of a QoS 1/2 PUBLISH the broker sent: after its topic. */
    public static int publishPacketId(RawMqttClient.Packet publish) {
        return u16(publish.body(), 2 + topicLength(publish));
    }

    /** The payload of a QoS 1/2 PUBLISH the broker sent, as text: after its properties. */
    public static String publishPayload(RawMqttClient.Packet publish) {
        int at = 2 + topicLength(publish) + 2;
        int[] length = variableByteInteger(publish.body(), at);
        int start = at + length[1] + length[0];
        return new String(publish.body(), start, publish.body().length - start, StandardCharsets.UTF_8);
    }

    /** The properties of a QoS 1/2 PUBLISH the broker sent. */
    public static Map<PropertyId, List<Object>> publishProperties(RawMqttClient.Packet publish) {
        return properties(publish.body(), 2 + topicLength(publish) + 2);
    }

    private static int topicLength(RawMqttClient.Packet publish) {
        return u16(publish.body(), 0);
    }

    /** The properties section starting at {@code at}. */
    public static Map<PropertyId, List<Object>> properties(byte[] body, int at) {
        int[] length = variableByteInteger(body, at);
        int i = at + length[1];
        int end = i + length[0];
        Map<PropertyId, List<Object>> properties = new LinkedHashMap<>();
        while (i < end) {
            PropertyId id = PropertyId.of(body[i++] & 0xFF);
            Object value;
            switch (id.type()) {
                case BYTE -> value = (long) (body[i++] & 0xFF);
                case TWO_BYTE_INTEGER -> {
                    value = (long) u16(body, i);
                    i += 2;
                }
                case FOUR_BYTE_INTEGER -> {
                    value = ((long) u16(body, i) << 16) | u16(body, i + 2);
                    i += 4;
                }
                case VARIABLE_BYTE_INTEGER -> {
                    int[] vbi = variableByteInteger(body, i);
                    value = (long) vbi[0];
                    i += vbi[1];
                }
                case UTF8_STRING -> {
                    value = new String(body, i + 2, u16(body, i), StandardCharsets.UTF_8);
                    i += 2 + u16(body, i);
                }
                case BINARY_DATA -> {
                    byte[] data = new byte[u16(body, i)];
                    System.arraycopy(body, i + 2, data, 0, data.length);
                    value = data;
                    i += 2 + data.length;
                }
                default -> {
                    String key = new String(body, i + 2, u16(body, i), StandardCharsets.UTF_8);
                    i += 2 + u16(body, i);
                    String text = new String(body, i + 2, u16(body, i), StandardCharsets.UTF_8);
                    i += 2 + u16(body, i);
                    value = key + "=" + text;
                }
            }
            properties.computeIfAbsent(id, k -> new ArrayList<>()).add(value);
        }
        return properties;
    }

    private static int u16(byte[] body, int at) {
        return ((body[at] & 0xFF) << 8) | (body[at + 1] & 0xFF);
    }

    /** {value, bytes it took}. */
    private static int[] variableByteInteger(byte[] body, int at) {
        int value = 0;
        int i = 0;
        int digit;
        do {
            digit = body[at + i] & 0xFF;
            value |= (digit & 0x7F) << (7 * i);
            i++;
        } while ((digit & 0x80) != 0);
        return new int[] {value, i};
    }
}
