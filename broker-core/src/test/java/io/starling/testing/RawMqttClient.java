package io.starling.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A bare MQTT client on a plain socket, for tests that must send what a real client library
 * never would: exact bytes, broken packets, packets in the wrong order. Reads time out after
 * a few seconds so a test fails instead of hanging.
 */
public final class RawMqttClient implements AutoCloseable {

    /** A packet as read off the wire: first byte split in type and flags, and the rest. */
    public record Packet(int type, int flags, byte[] body) {
        /**
         * The packet id of an acknowledgement, PUBREL, SUBACK or UNSUBACK: its first two bytes. A
         * PUBLISH's comes after its topic: read it with {@code RawPublish} or
         * {@code Mqtt5Wire.publishPacketId}.
         */
        public int packetId() {
            return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        }
    }

    public static final int CONNECT = 1;
    public static final int CONNACK = 2;
    public static final int PUBLISH = 3;
    public static final int PUBACK = 4;
    public static final int PUBREC = 5;
    public static final int PUBREL = 6;
    public static final int PUBCOMP = 7;
    public static final int SUBSCRIBE = 8;
    public static final int SUBACK = 9;
    public static final int UNSUBSCRIBE = 10;
    public static final int UNSUBACK = 11;
    public static final int PINGREQ = 12;
    public static final int PINGRESP = 13;
    public static final int DISCONNECT = 14;
    public static final int AUTH = 15;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    public RawMqttClient(int port) throws IOException {
        this(port, 5000);
    }

    public RawMqttClient(int port, int readTimeoutMillis) throws IOException {
        this(port, readTimeoutMillis, 0);
    }

    /** @param receiveBufferBytes the socket's receive buffer (set before connecting), 0 for the default */
    public RawMqttClient(int port, int readTimeoutMillis, int receiveBufferBytes) throws IOException {
        this(null, port, readTimeoutMillis, receiveBufferBytes);
    }

    /**
     * A client whose connection comes from {@code localAddress}, e.g. 127.0.0.2 (every 127.x.y.z
     * is this machine's loopback), so that the broker on 127.0.0.1 sees several source addresses.
     */
    public static RawMqttClient from(String localAddress, int port) throws IOException {
        return new RawMqttClient(InetAddress.getByName(localAddress), port, 5000, 0);
    }

    private RawMqttClient(InetAddress localAddress, int port, int readTimeoutMillis, int receiveBufferBytes)
            throws IOException {
        socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        if (localAddress != null) {
            socket.bind(new InetSocketAddress(localAddress, 0));
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setSoTimeout(readTimeoutMillis);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public RawMqttClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends CONNECT (MQTT 3.1.1) and returns the CONNACK return code. */
    public int connect(String clientId, boolean cleanSession, int keepAlive) throws IOException {
        send(connectPacket(clientId, cleanSession, keepAlive));
        Packet connack = read();
        if (connack.type() != CONNACK) {
            throw new IOException("expected CONNACK, got type " + connack.type());
        }
        return connack.body()[1];
    }

    /** Reads the next packet; fails if none arrives within the read timeout. */
    public Packet read() throws IOException {
        int first = in.readUnsignedByte();
        int remaining = 0;
        int multiplier = 1;
        int digit;
        do {
            digit = in.readUnsignedByte();
            remaining += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        } while ((digit & 0x80) != 0);
        byte[] body = new byte[remaining];
        in.readFully(body);
        return new Packet(first >> 4, first & 0x0F, body);
    }

    /** Reads the next packet and checks its type. */
    public Packet expect(int type) throws IOException {
        Packet packet = read();
        if (packet.type() != type) {
            throw new AssertionError("expected packet type " + type + ", got " + packet.type());
        }
        return packet;
    }

    /**
     * Whether the server closes the connection (end of stream or reset) within the read
     * timeout; packets it sends before closing are skipped.
     */
    public boolean isClosedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (EOFException | SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** Whether nothing arrives (and the connection stays open) for the read timeout. */
    public boolean isSilent() throws IOException {
        try {
            in.read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    public void setReadTimeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ---- packet builders ----

    public static byte[] connectPacket(String clientId, boolean cleanSession, int keepAlive) {
        return connectPacket("MQTT", 4, cleanSession ? 0x02 : 0x00, keepAlive, clientId);
    }

    /** A CONNECT with the given protocol name, level and flags, and the payload strings given. */
    public static byte[] connectPacket(String protocolName, int level, int flags, int keepAlive, String... payload) {
        Bytes body = new Bytes().string(protocolName).u8(level).u8(flags).u16(keepAlive);
        for (String field : payload) {
            body.string(field);
        }
        return packet(CONNECT << 4, body.toArray());
    }

    public static byte[] publishPacket(
            String topic, int qos, int packetId, byte[] payload, boolean dup, boolean retain) {
        Bytes body = new Bytes().string(topic);
        if (qos > 0) {
            body.u16(packetId);
        }
        body.raw(payload);
        int first = (PUBLISH << 4) | (dup ? 0x08 : 0) | (qos << 1) | (retain ? 1 : 0);
        return packet(first, body.toArray());
    }

    public static byte[] publishPacket(String topic, int qos, int packetId, String payload) {
        return publishPacket(topic, qos, packetId, payload.getBytes(StandardCharsets.UTF_8), false, false);
    }

    public static byte[] subscribePacket(int packetId, Object... filtersAndQos) {
        Bytes body = new Bytes().u16(packetId);
        for (int i = 0; i < filtersAndQos.length; i += 2) {
            body.string((String) filtersAndQos[i]).u8((Integer) filtersAndQos[i + 1]);
        }
        return packet((SUBSCRIBE << 4) | 0x02, body.toArray());
    }

    public static byte[] unsubscribePacket(int packetId, String... filters) {
        Bytes body = new Bytes().u16(packetId);
        for (String filter : filters) {
            body.string(filter);
        }
        return packet((UNSUBSCRIBE << 4) | 0x02, body.toArray());
    }

    /** PUBACK, PUBREC, PUBREL (flags 0010) or PUBCOMP. */
    public static byte[] ackPacket(int type, int packetId) {
        return packet(
                (type << 4) | (type == PUBREL ? 0x02 : 0),
                new Bytes().u16(packetId).toArray());
    }

    public static byte[] pingreq() {
        return new byte[] {(byte) (PINGREQ << 4), 0};
    }

    public static byte[] disconnect() {
        return new byte[] {(byte) (DISCONNECT << 4), 0};
    }

    /** A packet with the given first byte and body, with its remaining length encoded. */
    public static byte[] packet(int firstByte, byte[] body) {
        return new Bytes().raw(fixedHeader(firstByte, body.length)).raw(body).toArray();
    }

    /** The fixed header of a packet: its first byte and the remaining length encoded. */
    public static byte[] fixedHeader(int firstByte, int remainingLength) {
        Bytes bytes = new Bytes().u8(firstByte);
        int length = remainingLength;
        do {
            int digit = length % 128;
            length /= 128;
            bytes.u8(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        return bytes.toArray();
    }

    /** A small builder of MQTT-encoded bytes. */
    public static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Bytes u8(int value) {
            out.write(value);
            return this;
        }

        public Bytes u16(int value) {
            out.write(value >> 8);
            out.write(value);
            return this;
        }

        public Bytes u32(int value) {
            u16(value >>> 16);
            return u16(value & 0xFFFF);
        }

        /** An MQTT 5 Variable Byte Integer. */
        public Bytes vbi(int value) {
            int rest = value;
            do {
                int digit = rest & 0x7F;
                rest >>>= 7;
                out.write(rest > 0 ? digit | 0x80 : digit);
            } while (rest > 0);
            return this;
        }

        /** An MQTT 5 properties section: its length, then {@code properties} (built with this class). */
        public Bytes properties(byte[] properties) {
            return vbi(properties.length).raw(properties);
        }

        public Bytes string(String value) {
            return binary(value.getBytes(StandardCharsets.UTF_8));
        }

        public Bytes binary(byte[] value) {
            u16(value.length);
            return raw(value);
        }

        public Bytes raw(byte[] value) {
            out.write(value, 0, value.length);
            return this;
        }

        public byte[] toArray() {
            return out.toByteArray();
        }
    }

    public InputStream input() {
        return in;
    }
}
