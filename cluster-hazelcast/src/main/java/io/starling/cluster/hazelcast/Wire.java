package io.starling.cluster.hazelcast;

import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The frames nodes send each other over their inboxes, as plain bytes (no Java serialization):
 * {@code version, source node, batch id (0: no acknowledgement wanted), items}. Every item
 * starts with its type byte.
 */
final class Wire {

    static final int VERSION = 2;

    static final byte HELLO = 1;
    static final byte ROUTE_ADD = 2;
    static final byte ROUTE_REMOVE = 3;
    static final byte ROUTES_SYNC = 4;
    static final byte FORWARD = 5;
    static final byte RETAINED = 6;
    static final byte RELEASE = 7;
    static final byte RELEASED = 8;
    static final byte ACK = 9;
    static final byte WILL = 10;
    static final byte RETAINED_SYNC_REQUEST = 11;
    static final byte RETAINED_SYNC = 12;
    static final byte RETAINED_SYNC_DONE = 13;
    static final byte HAND_BACK = 14;

    /** One item of a frame; which fields are used depends on the type. */
    record Item(byte type, String text, StoredMessage message, long id, long number, boolean flag,
                SessionSnapshot snapshot, Set<String> filters) {

        static Item hello() {
            return new Item(HELLO, null, null, 0, 0, false, null, null);
        }

        static Item route(byte type, String filter) {
            return new Item(type, filter, null, 0, 0, false, null, null);
        }

        static Item routes(Set<String> filters) {
            return new Item(ROUTES_SYNC, null, null, 0, 0, false, null, filters);
        }

        static Item message(byte type, StoredMessage message) {
            return new Item(type, null, message, 0, 0, false, null, null);
        }

        static Item release(long requestId, String clientId, long epoch) {
            return new Item(RELEASE, clientId, null, requestId, epoch, false, null, null);
        }

        static Item released(long requestId, SessionSnapshot snapshot) {
            return new Item(RELEASED, null, null, requestId, 0, false, snapshot, null);
        }

        /** Messages a restarted node had stored for a session that continued on the receiving node. */
        static Item handBack(SessionSnapshot messages) {
            return new Item(HAND_BACK, null, null, 0, 0, false, messages, null);
        }

        static Item ack(long batchId, boolean ok) {
            return new Item(ACK, null, null, batchId, 0, ok, null, null);
        }

        /** A joining node asks for every retained message of the receiving node. */
        static Item retainedSyncRequest(long requestId) {
            return new Item(RETAINED_SYNC_REQUEST, null, null, requestId, 0, false, null, null);
        }

        /** All retained messages asked for were sent ({@code allSent}) or the sender gave up. */
        static Item retainedSyncDone(long requestId, boolean allSent) {
            return new Item(RETAINED_SYNC_DONE, null, null, requestId, 0, allSent, null, null);
        }

        int size() {
            return message != null ? message.payload().length + message.topic().length() + 32
                : snapshot != null ? snapshot.messages().size() * 64 + 64 : 64;
        }
    }

    record Frame(String source, long batchId, List<Item> items) {
    }

    private Wire() {
    }

    static byte[] encode(Frame frame) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            out.writeUTF(frame.source());
            out.writeLong(frame.batchId());
            out.writeInt(frame.items().size());
            for (Item item : frame.items()) {
                out.writeByte(item.type());
                switch (item.type()) {
                    case HELLO -> { }
                    case ROUTE_ADD, ROUTE_REMOVE -> writeString(out, item.text());
                    case ROUTES_SYNC -> {
                        out.writeInt(item.filters().size());
                        for (String filter : item.filters()) {
                            writeString(out, filter);
                        }
                    }
                    case FORWARD, RETAINED, WILL, RETAINED_SYNC -> writeMessage(out, item.message());
                    case RETAINED_SYNC_REQUEST -> out.writeLong(item.id());
                    case RELEASE -> {
                        out.writeLong(item.id());
                        writeString(out, item.text());
                        out.writeLong(item.number());
                    }
                    case RELEASED -> {
                        out.writeLong(item.id());
                        out.writeBoolean(item.snapshot() != null);
                        if (item.snapshot() != null) {
                            writeSnapshot(out, item.snapshot());
                        }
                    }
                    case HAND_BACK -> writeSnapshot(out, item.snapshot());
                    case ACK, RETAINED_SYNC_DONE -> {
                        out.writeLong(item.id());
                        out.writeBoolean(item.flag());
                    }
                    default -> throw new IllegalArgumentException("item type " + item.type());
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Frame decode(byte[] data) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IOException("frame version " + version + ", this node speaks " + VERSION);
            }
            String source = in.readUTF();
            long batchId = in.readLong();
            int count = in.readInt();
            List<Item> items = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte type = in.readByte();
                items.add(switch (type) {
                    case HELLO -> Item.hello();
                    case ROUTE_ADD, ROUTE_REMOVE -> Item.route(type, readString(in));
                    case ROUTES_SYNC -> {
                        int n = in.readInt();
                        Set<String> filters = new HashSet<>();
                        for (int f = 0; f < n; f++) {
                            filters.add(readString(in));
                        }
                        yield Item.routes(filters);
                    }
                    case FORWARD, RETAINED, WILL, RETAINED_SYNC -> Item.message(type, readMessage(in));
                    case RETAINED_SYNC_REQUEST -> Item.retainedSyncRequest(in.readLong());
                    case RETAINED_SYNC_DONE -> Item.retainedSyncDone(in.readLong(), in.readBoolean());
                    case RELEASE -> Item.release(in.readLong(), readString(in), in.readLong());
                    case RELEASED -> {
                        long id = in.readLong();
                        yield Item.released(id, in.readBoolean() ? readSnapshot(in) : null);
                    }
                    case HAND_BACK -> Item.handBack(readSnapshot(in));
                    case ACK -> Item.ack(in.readLong(), in.readBoolean());
                    default -> throw new IOException("unknown item type " + type);
                });
            }
            return new Frame(source, batchId, items);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readInt()];
        in.readFully(bytes);
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void writeMessage(DataOutputStream out, StoredMessage message) throws IOException {
        out.writeLong(message.id());
        writeString(out, message.topic());
        out.writeByte(message.qos());
        out.writeBoolean(message.retain());
        out.writeInt(message.payload().length);
        out.write(message.payload());
        out.writeLong(message.timestamp());
    }

    private static StoredMessage readMessage(DataInputStream in) throws IOException {
        long id = in.readLong();
        String topic = readString(in);
        int qos = in.readByte();
        boolean retain = in.readBoolean();
        byte[] payload = new byte[in.readInt()];
        in.readFully(payload);
        return new StoredMessage(id, topic, qos, retain, payload, in.readLong());
    }

    static void writeSnapshot(DataOutputStream out, SessionSnapshot snapshot) throws IOException {
        writeString(out, snapshot.clientId());
        out.writeInt(snapshot.subscriptions().size());
        for (Map.Entry<String, Integer> subscription : snapshot.subscriptions().entrySet()) {
            writeString(out, subscription.getKey());
            out.writeByte(subscription.getValue());
        }
        out.writeInt(snapshot.messages().size());
        for (QueuedMessage queued : snapshot.messages()) {
            writeMessage(out, queued.message());
            out.writeByte(queued.qos());
            out.writeInt(queued.packetId());
            out.writeBoolean(queued.released());
        }
        out.writeInt(snapshot.inboundQos2().size());
        for (int packetId : snapshot.inboundQos2()) {
            out.writeInt(packetId);
        }
    }

    static SessionSnapshot readSnapshot(DataInputStream in) throws IOException {
        String clientId = readString(in);
        int subscriptionCount = in.readInt();
        Map<String, Integer> subscriptions = new LinkedHashMap<>();
        for (int i = 0; i < subscriptionCount; i++) {
            subscriptions.put(readString(in), (int) in.readByte());
        }
        int messageCount = in.readInt();
        List<QueuedMessage> messages = new ArrayList<>(messageCount);
        for (int i = 0; i < messageCount; i++) {
            messages.add(new QueuedMessage(readMessage(in), in.readByte(), in.readInt(), in.readBoolean()));
        }
        int qos2Count = in.readInt();
        Set<Integer> inbound = new HashSet<>();
        for (int i = 0; i < qos2Count; i++) {
            inbound.add(in.readInt());
        }
        return new SessionSnapshot(clientId, subscriptions, messages, inbound);
    }

    /** A session snapshot as bytes (for the replicated session records). */
    static byte[] snapshotBytes(SessionSnapshot snapshot) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            writeSnapshot(out, snapshot);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SessionSnapshot snapshotFrom(byte[] data) {
        try {
            return readSnapshot(new DataInputStream(new ByteArrayInputStream(data)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
