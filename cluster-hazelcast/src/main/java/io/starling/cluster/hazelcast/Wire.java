package io.starling.cluster.hazelcast;

import io.starling.spi.MessageProperties;
import io.starling.spi.MessagePropertiesBytes;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionExpiry;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The frames nodes send each other over their inboxes, as plain bytes (no Java serialization):
 * {@code version, source node, batch id (0: no acknowledgement wanted), message count}, then
 * each {@link ClusterMessage} as {@code type, length, bytes}. A reader reads the fields it knows
 * of each message and skips what a newer node appended (see {@link ClusterMessage} for how to
 * add a field); each stored message travels in a block of its own the same way
 * ({@link #writeMessage}). The version changes only when a field is removed or reordered.
 */
final class Wire {

    /**
     * 6: a session's subscriptions carry their options and Subscription Identifier as an int.
     * 7: a session carries its Session Expiry (interval, offline since) after its packet-id position.
     * 8: a released session's queue follows the release in parts; shared subscription groups (the
     *    groups in the route set, and three new message types).
     */
    static final int VERSION = 8;

    record Frame(String source, long batchId, List<ClusterMessage> messages) {}

    private Wire() {}

    static byte[] encode(Frame frame) {
        return versioned(out -> {
            out.writeUTF(frame.source());
            out.writeLong(frame.batchId());
            out.writeInt(frame.messages().size());
            for (ClusterMessage message : frame.messages()) {
                out.writeByte(ClusterMessage.Type.of(message).code);
                writeBlock(out, message::write);
            }
        });
    }

    static Frame decode(byte[] data) {
        return fromVersioned(data, "frame", in -> {
            String source = in.readUTF();
            long batchId = in.readLong();
            int count = in.readInt();
            List<ClusterMessage> messages = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte type = in.readByte();
                messages.add(readBlock(in, block -> ClusterMessage.Type.read(type, block)));
            }
            return new Frame(source, batchId, messages);
        });
    }

    /** One stored message alone, versioned like a frame (the wills map keeps wills so). */
    static byte[] encodeMessage(StoredMessage message) {
        return versioned(out -> writeMessage(out, message));
    }

    static StoredMessage decodeMessage(byte[] data) {
        return fromVersioned(data, "message", Wire::readMessage);
    }

    /** Whether the block being read has bytes left: a field a node of a later release appended. */
    static boolean hasMore(DataInputStream in) throws IOException {
        return in.available() > 0;
    }

    /** Roughly the bytes a message takes on the wire. */
    static int size(StoredMessage message) {
        return message.payload().length
                + message.topic().length()
                + 32
                + MessagePropertiesBytes.sizeOf(message.properties());
    }

    /** Roughly the bytes a session takes on the wire (64 if none). */
    static int size(SessionSnapshot snapshot) {
        return snapshot == null ? 64 : snapshot.messages().size() * 64 + 64;
    }

    /** {@link #VERSION}, then what {@code fields} writes. */
    private static byte[] versioned(Fields fields) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            fields.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads what {@link #versioned} wrote; refuses another version, naming {@code what} it is. */
    private static <T> T fromVersioned(byte[] data, String what, BlockReader<T> reader) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException(what + " version " + version + ", this node speaks " + VERSION);
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes what {@code fields} writes, preceded by its length. */
    private static void writeBlock(DataOutputStream out, Fields fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        DataOutputStream block = new DataOutputStream(bytes);
        fields.write(block);
        block.flush();
        out.writeInt(bytes.size());
        bytes.writeTo(out);
    }

    /** Reads a block written by {@link #writeBlock}; what {@code reader} leaves unread is skipped. */
    private static <T> T readBlock(DataInputStream in, BlockReader<T> reader) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new IOException("block of " + length + " bytes, " + in.available() + " left");
        }
        byte[] block = new byte[length];
        in.readFully(block);
        return reader.read(new DataInputStream(new ByteArrayInputStream(block)));
    }

    private interface Fields {
        void write(DataOutputStream out) throws IOException;
    }

    private interface BlockReader<T> {
        T read(DataInputStream in) throws IOException;
    }

    static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    static String readString(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static void writeStrings(DataOutputStream out, Set<String> values) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            writeString(out, value);
        }
    }

    static Set<String> readStrings(DataInputStream in) throws IOException {
        int count = in.readInt();
        Set<String> values = new HashSet<>();
        for (int i = 0; i < count; i++) {
            values.add(readString(in));
        }
        return values;
    }

    /** A stored message, in a block of its own so that fields can be added to every message carried. */
    static void writeMessage(DataOutputStream out, StoredMessage message) throws IOException {
        writeBlock(out, block -> {
            block.writeLong(message.id());
            writeString(block, message.topic());
            block.writeByte(message.qos());
            block.writeBoolean(message.retain());
            block.writeInt(message.payload().length);
            block.write(message.payload());
            block.writeLong(message.timestamp());
            // Appended (a reader without it skips them): MQTT 5 properties, no bytes for none.
            byte[] properties = MessagePropertiesBytes.encode(message.properties());
            block.writeInt(properties.length);
            block.write(properties);
        });
    }

    static StoredMessage readMessage(DataInputStream in) throws IOException {
        return readBlock(in, block -> {
            long id = block.readLong();
            String topic = readString(block);
            int qos = block.readByte();
            boolean retain = block.readBoolean();
            byte[] payload = new byte[block.readInt()];
            block.readFully(payload);
            long timestamp = block.readLong();
            MessageProperties properties = MessageProperties.NONE;
            if (hasMore(block)) {
                byte[] encoded = new byte[block.readInt()];
                block.readFully(encoded);
                properties = MessagePropertiesBytes.decode(encoded);
            }
            return new StoredMessage(id, topic, qos, retain, payload, timestamp, properties);
        });
    }

    static void writeSnapshot(DataOutputStream out, SessionSnapshot snapshot) throws IOException {
        writeString(out, snapshot.clientId());
        out.writeInt(snapshot.subscriptions().size());
        for (Map.Entry<String, Integer> subscription : snapshot.subscriptions().entrySet()) {
            writeString(out, subscription.getKey());
            out.writeInt(subscription.getValue());
        }
        writeQueued(out, snapshot.messages());
        out.writeInt(snapshot.inboundQos2().size());
        for (int packetId : snapshot.inboundQos2()) {
            out.writeInt(packetId);
        }
        out.writeLong(snapshot.packetIdsFrom());
        out.writeLong(snapshot.expiry().intervalSeconds());
        out.writeLong(snapshot.expiry().offlineSince());
    }

    static SessionSnapshot readSnapshot(DataInputStream in) throws IOException {
        String clientId = readString(in);
        int subscriptionCount = in.readInt();
        Map<String, Integer> subscriptions = new LinkedHashMap<>();
        for (int i = 0; i < subscriptionCount; i++) {
            subscriptions.put(readString(in), in.readInt());
        }
        List<QueuedMessage> messages = readQueued(in);
        int qos2Count = in.readInt();
        Set<Integer> inbound = new HashSet<>();
        for (int i = 0; i < qos2Count; i++) {
            inbound.add(in.readInt());
        }
        long packetIdsFrom = in.readLong();
        SessionExpiry expiry = new SessionExpiry(in.readLong(), in.readLong());
        return new SessionSnapshot(clientId, subscriptions, messages, inbound, packetIdsFrom, expiry);
    }

    /** A session's messages with their QoS and state, in order. */
    static void writeQueued(DataOutputStream out, List<QueuedMessage> messages) throws IOException {
        out.writeInt(messages.size());
        for (QueuedMessage queued : messages) {
            writeMessage(out, queued.message());
            out.writeByte(queued.qos());
            out.writeInt(queued.packetId());
            out.writeBoolean(queued.released());
        }
    }

    static List<QueuedMessage> readQueued(DataInputStream in) throws IOException {
        int count = in.readInt();
        List<QueuedMessage> messages = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            messages.add(new QueuedMessage(readMessage(in), in.readByte(), in.readInt(), in.readBoolean()));
        }
        return messages;
    }
}
