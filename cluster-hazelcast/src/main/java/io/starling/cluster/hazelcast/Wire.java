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

    static final int VERSION = 4;

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
    static final byte FORWARD_LOST = 15;
    static final byte DELIVER_TO = 16;
    static final byte ADOPTED = 17;
    static final byte SETTLED = 18;
    static final byte PLACED = 19;
    static final byte SYNC = 20;
    static final byte MOVE_RELAY = 21;
    static final byte MOVE_ROUTED = 22;
    static final byte MOVE_DONE = 23;
    static final byte TAKE_OVER = 24;

    /** One item of a frame; which fields are used depends on the type. */
    record Item(
            byte type,
            String text,
            StoredMessage message,
            long id,
            long number,
            boolean flag,
            SessionSnapshot snapshot,
            Set<String> filters) {

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

        /**
         * The answer to a release: the session (null if none), the lost node whose session it
         * continues while that node's messages are still relayed (null if none), and the
         * session's {@link InDoubtMessages} keys.
         */
        static Item released(long requestId, SessionSnapshot snapshot, String lostNode, Set<String> inDoubt) {
            return new Item(RELEASED, lostNode, null, requestId, 0, false, snapshot, inDoubt);
        }

        /**
         * A message routed to a lost node, sent to the node relaying for it; {@code inDoubt}: the
         * lost node may have stored it (see {@link InDoubtMessages}).
         */
        static Item forwardLost(String lostNode, StoredMessage message, boolean inDoubt) {
            return new Item(FORWARD_LOST, lostNode, message, 0, 0, inDoubt, null, null);
        }

        /** A relayed message for the named sessions of the receiving node only. */
        static Item deliverTo(Set<String> clientIds, StoredMessage message, boolean inDoubt) {
            return new Item(DELIVER_TO, null, message, 0, 0, inDoubt, null, clientIds);
        }

        /** {@link #ADOPTED}: drop the lost node's routes; {@link #SETTLED}: its relaying is over. */
        static Item lostNode(byte type, String lostNode) {
            return new Item(type, lostNode, null, 0, 0, false, null, null);
        }

        /**
         * The sending node continues these sessions of the lost node: {@code reachable} once every
         * node knows their routes, not yet when it has just claimed them.
         */
        static Item placed(String lostNode, Set<String> clientIds, boolean reachable) {
            return new Item(PLACED, lostNode, null, 0, 0, reachable, null, clientIds);
        }

        /** A message that reached a session on the node it moved from, for that session on the receiving node. */
        static Item moveRelay(String clientId, StoredMessage message) {
            return new Item(MOVE_RELAY, clientId, message, 0, 0, false, null, null);
        }

        /**
         * {@link #MOVE_ROUTED}: every node knows the routes of the session that moved to the
         * sending node; {@link #MOVE_DONE}: the node it moved from relayed everything;
         * {@link #TAKE_OVER}: the sending node stops, take its session over.
         */
        static Item move(byte type, String clientId) {
            return new Item(type, clientId, null, 0, 0, false, null, null);
        }

        /** Nothing to do: its acknowledgement says the receiver handled everything sent before. */
        static Item sync() {
            return new Item(SYNC, null, null, 0, 0, false, null, null);
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
            return message != null
                    ? message.payload().length + message.topic().length() + 32
                    : snapshot != null ? snapshot.messages().size() * 64 + 64 : 64;
        }
    }

    record Frame(String source, long batchId, List<Item> items) {}

    private Wire() {}

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
                    case HELLO, SYNC -> {}
                    case ROUTE_ADD, ROUTE_REMOVE -> writeString(out, item.text());
                    case ROUTES_SYNC -> writeStrings(out, item.filters());
                    case FORWARD, RETAINED, WILL, RETAINED_SYNC -> writeMessage(out, item.message());
                    case FORWARD_LOST -> {
                        writeString(out, item.text());
                        writeMessage(out, item.message());
                        out.writeBoolean(item.flag());
                    }
                    case DELIVER_TO -> {
                        writeStrings(out, item.filters());
                        writeMessage(out, item.message());
                        out.writeBoolean(item.flag());
                    }
                    case ADOPTED, SETTLED, MOVE_ROUTED, MOVE_DONE, TAKE_OVER -> writeString(out, item.text());
                    case MOVE_RELAY -> {
                        writeString(out, item.text());
                        writeMessage(out, item.message());
                    }
                    case PLACED -> {
                        writeString(out, item.text());
                        writeStrings(out, item.filters());
                        out.writeBoolean(item.flag());
                    }
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
                        out.writeBoolean(item.text() != null);
                        if (item.text() != null) {
                            writeString(out, item.text());
                        }
                        writeStrings(out, item.filters());
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
                items.add(
                        switch (type) {
                            case HELLO -> Item.hello();
                            case SYNC -> Item.sync();
                            case ROUTE_ADD, ROUTE_REMOVE -> Item.route(type, readString(in));
                            case ROUTES_SYNC -> Item.routes(readStrings(in));
                            case FORWARD, RETAINED, WILL, RETAINED_SYNC -> Item.message(type, readMessage(in));
                            case FORWARD_LOST -> {
                                String lostNode = readString(in);
                                StoredMessage message = readMessage(in);
                                yield Item.forwardLost(lostNode, message, in.readBoolean());
                            }
                            case DELIVER_TO -> {
                                Set<String> clientIds = readStrings(in);
                                StoredMessage message = readMessage(in);
                                yield Item.deliverTo(clientIds, message, in.readBoolean());
                            }
                            case ADOPTED, SETTLED -> Item.lostNode(type, readString(in));
                            case MOVE_ROUTED, MOVE_DONE, TAKE_OVER -> Item.move(type, readString(in));
                            case MOVE_RELAY -> {
                                String clientId = readString(in);
                                yield Item.moveRelay(clientId, readMessage(in));
                            }
                            case PLACED -> {
                                String lostNode = readString(in);
                                Set<String> clientIds = readStrings(in);
                                yield Item.placed(lostNode, clientIds, in.readBoolean());
                            }
                            case RETAINED_SYNC_REQUEST -> Item.retainedSyncRequest(in.readLong());
                            case RETAINED_SYNC_DONE -> Item.retainedSyncDone(in.readLong(), in.readBoolean());
                            case RELEASE -> Item.release(in.readLong(), readString(in), in.readLong());
                            case RELEASED -> {
                                long id = in.readLong();
                                SessionSnapshot snapshot = in.readBoolean() ? readSnapshot(in) : null;
                                String lostNode = in.readBoolean() ? readString(in) : null;
                                yield Item.released(id, snapshot, lostNode, readStrings(in));
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

    private static void writeStrings(DataOutputStream out, Set<String> values) throws IOException {
        out.writeInt(values.size());
        for (String value : values) {
            writeString(out, value);
        }
    }

    private static Set<String> readStrings(DataInputStream in) throws IOException {
        int count = in.readInt();
        Set<String> values = new HashSet<>();
        for (int i = 0; i < count; i++) {
            values.add(readString(in));
        }
        return values;
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
        out.writeLong(snapshot.packetIdsFrom());
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
        return new SessionSnapshot(clientId, subscriptions, messages, inbound, in.readLong());
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
