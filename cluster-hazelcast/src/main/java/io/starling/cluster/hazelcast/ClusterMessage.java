package io.starling.cluster.hazelcast;

import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one node tells another, one record per message, each with its {@code write} and its
 * {@code read} side by side; {@link Type} lists their codes. {@link Wire} frames them: a type
 * code, the length of what {@code write} wrote, then those bytes.
 *
 * <p>Adding a field to a message keeps {@link Wire#VERSION}: write it after the existing ones,
 * and read it only {@link Wire#hasMore if more bytes follow} (a node of the previous release did
 * not write it), with a default otherwise; a node of the previous release does not read it
 * (its reader stops at the fields it knows, the frame skips the rest). A field added to every
 * message carried ({@link Wire#writeMessage}) works the same way inside the message's own block.
 * Removing or reordering fields changes the version.
 */
sealed interface ClusterMessage {

    /** Writes the fields, in order (see above for adding one). */
    void write(DataOutputStream out) throws IOException;

    /** Roughly the bytes it takes on the wire, to bound a batch. */
    default int size() {
        if (this instanceof CarriesMessage carrier) {
            return Wire.size(carrier.message());
        }
        if (this instanceof CarriesSession carrier) {
            return Wire.size(carrier.session());
        }
        return 64;
    }

    /** A message that carries a stored message (its payload counts for a batch's size). */
    interface CarriesMessage {
        StoredMessage message();
    }

    /** A message that may carry a session (null if none). */
    interface CarriesSession {
        SessionSnapshot session();
    }

    /** Every message's type code on the wire and its reader. Type 10 was a will, never to be reused. */
    enum Type {
        HELLO(1, Hello.class, in -> new Hello()),
        ROUTE_ADDED(2, RouteAdded.class, RouteAdded::read),
        ROUTE_REMOVED(3, RouteRemoved.class, RouteRemoved::read),
        ROUTES(4, Routes.class, Routes::read),
        FORWARD(5, Forward.class, Forward::read),
        RETAINED(6, Retained.class, Retained::read),
        RELEASE(7, Release.class, Release::read),
        RELEASED(8, Released.class, Released::read),
        ACK(9, Ack.class, Ack::read),
        RETAINED_SYNC_REQUEST(11, RetainedSyncRequest.class, RetainedSyncRequest::read),
        RETAINED_SYNC(12, RetainedSync.class, RetainedSync::read),
        RETAINED_SYNC_DONE(13, RetainedSyncDone.class, RetainedSyncDone::read),
        HAND_BACK(14, HandBack.class, HandBack::read),
        FORWARD_LOST(15, ForwardLost.class, ForwardLost::read),
        DELIVER_TO(16, DeliverTo.class, DeliverTo::read),
        ADOPTED(17, Adopted.class, Adopted::read),
        SETTLED(18, Settled.class, Settled::read),
        PLACED(19, Placed.class, Placed::read),
        SYNC(20, Sync.class, in -> new Sync()),
        MOVED_MESSAGE(21, MovedMessage.class, MovedMessage::read),
        MOVE_ROUTED(22, MoveRouted.class, MoveRouted::read),
        MOVE_DONE(23, MoveDone.class, MoveDone::read),
        TAKE_OVER(24, TakeOver.class, TakeOver::read),
        QUEUE_PART(25, QueuePart.class, QueuePart::read),
        SHARED_GROUP(26, SharedGroup.class, SharedGroup::read),
        SHARED_FORWARD(27, SharedForward.class, SharedForward::read),
        SHARED_DONE(28, SharedDone.class, SharedDone::read);

        private static final Map<Class<?>, Type> BY_CLASS = new HashMap<>();
        private static final Map<Byte, Type> BY_CODE = new HashMap<>();

        static {
            for (Type type : values()) {
                BY_CLASS.put(type.kind, type);
                BY_CODE.put(type.code, type);
            }
        }

        final byte code;
        private final Class<? extends ClusterMessage> kind;
        private final Reader reader;

        Type(int code, Class<? extends ClusterMessage> kind, Reader reader) {
            this.code = (byte) code;
            this.kind = kind;
            this.reader = reader;
        }

        static Type of(ClusterMessage message) {
            return BY_CLASS.get(message.getClass());
        }

        /** Reads the message of this type code from its bytes. */
        static ClusterMessage read(byte code, DataInputStream in) throws IOException {
            Type type = BY_CODE.get(code);
            if (type == null) {
                throw new IOException("unknown cluster message type " + code);
            }
            return type.reader.read(in);
        }
    }

    /** Reads one message's fields. */
    interface Reader {
        ClusterMessage read(DataInputStream in) throws IOException;
    }

    /** The sender's inbox listens (sent at start and to members met later); answered once with a hello. */
    record Hello() implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) {}
    }

    /** The sending node has subscribers for this filter now. */
    record RouteAdded(String filter) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, filter);
        }

        static RouteAdded read(DataInputStream in) throws IOException {
            return new RouteAdded(Wire.readString(in));
        }
    }

    /** The sending node has no subscriber for this filter any more. */
    record RouteRemoved(String filter) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, filter);
        }

        static RouteRemoved read(DataInputStream in) throws IOException {
            return new RouteRemoved(Wire.readString(in));
        }
    }

    /**
     * All the sending node's filters and shared subscription groups (each with its members online
     * there): they replace what the receiver knew of its routes and groups.
     */
    record Routes(Set<String> filters, Map<String, Integer> groups) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeStrings(out, filters);
            out.writeInt(groups.size());
            for (Map.Entry<String, Integer> group : groups.entrySet()) {
                Wire.writeString(out, group.getKey());
                out.writeInt(group.getValue());
            }
        }

        static Routes read(DataInputStream in) throws IOException {
            Set<String> filters = Wire.readStrings(in);
            int count = in.readInt();
            Map<String, Integer> groups = new HashMap<>();
            for (int i = 0; i < count; i++) {
                groups.put(Wire.readString(in), in.readInt());
            }
            return new Routes(filters, groups);
        }
    }

    /**
     * The sending node has the shared subscription group with {@code online} members online (0:
     * offline ones only); -1: it has no member of the group any more.
     */
    record SharedGroup(String group, int online) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, group);
            out.writeInt(online);
        }

        static SharedGroup read(DataInputStream in) throws IOException {
            return new SharedGroup(Wire.readString(in), in.readInt());
        }
    }

    /**
     * A message for the receiving node's part of a shared subscription group: the sending node
     * chose it for the message (acknowledged once durable there for the group; the receiver tells
     * the sender with {@link SharedDone} when the group is done with it).
     *
     * @param publisher the publishing client's id, empty if none
     */
    record SharedForward(String group, String publisher, StoredMessage message)
            implements ClusterMessage, CarriesMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, group);
            Wire.writeString(out, publisher);
            Wire.writeMessage(out, message);
        }

        static SharedForward read(DataInputStream in) throws IOException {
            return new SharedForward(Wire.readString(in), Wire.readString(in), Wire.readMessage(in));
        }
    }

    /** The receiving node's {@link SharedForward} of this message is done with on the sending node. */
    record SharedDone(String group, long messageId) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, group);
            out.writeLong(messageId);
        }

        static SharedDone read(DataInputStream in) throws IOException {
            return new SharedDone(Wire.readString(in), in.readLong());
        }
    }

    /** A publish for the receiving node's subscribers. */
    record Forward(StoredMessage message) implements ClusterMessage, CarriesMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeMessage(out, message);
        }

        static Forward read(DataInputStream in) throws IOException {
            return new Forward(Wire.readMessage(in));
        }
    }

    /** A retained message set (or cleared, empty payload) on the sending node. */
    record Retained(StoredMessage message) implements ClusterMessage, CarriesMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeMessage(out, message);
        }

        static Retained read(DataInputStream in) throws IOException {
            return new Retained(Wire.readMessage(in));
        }
    }

    /**
     * The sending node claimed this client id (at this epoch): hand its session over. With
     * {@code cleanStart} the client started a new session there, which ends the old one.
     */
    record Release(long requestId, String clientId, long epoch, boolean cleanStart) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            out.writeLong(requestId);
            Wire.writeString(out, clientId);
            out.writeLong(epoch);
            out.writeBoolean(cleanStart);
        }

        static Release read(DataInputStream in) throws IOException {
            long requestId = in.readLong();
            String clientId = Wire.readString(in);
            long epoch = in.readLong();
            // Appended: a node of the previous release does not send it (its session continued).
            return new Release(requestId, clientId, epoch, Wire.hasMore(in) && in.readBoolean());
        }
    }

    /**
     * The answer to a {@link Release}: the session (null if none), the lost node whose session it
     * continues while that node's messages are still relayed (null if none), and the session's
     * {@link InDoubtMessages} keys.
     */
    record Released(long requestId, SessionSnapshot session, String lostNode, Set<String> inDoubt)
            implements ClusterMessage, CarriesSession {
        @Override
        public void write(DataOutputStream out) throws IOException {
            out.writeLong(requestId);
            out.writeBoolean(session != null);
            if (session != null) {
                Wire.writeSnapshot(out, session);
            }
            out.writeBoolean(lostNode != null);
            if (lostNode != null) {
                Wire.writeString(out, lostNode);
            }
            Wire.writeStrings(out, inDoubt);
        }

        static Released read(DataInputStream in) throws IOException {
            long requestId = in.readLong();
            SessionSnapshot session = in.readBoolean() ? Wire.readSnapshot(in) : null;
            String lostNode = in.readBoolean() ? Wire.readString(in) : null;
            return new Released(requestId, session, lostNode, Wire.readStrings(in));
        }
    }

    /**
     * The receiving node handled the batch (stored what it had to, when {@code ok}); {@code refused}:
     * the positions in the batch of the forwarded messages that every subscriber there refused
     * (store limits), for a publisher that may be told so.
     */
    record Ack(long batchId, boolean ok, Set<Integer> refused) implements ClusterMessage {

        /** A batch with no refused message. */
        Ack(long batchId, boolean ok) {
            this(batchId, ok, Set.of());
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            out.writeLong(batchId);
            out.writeBoolean(ok);
            out.writeInt(refused.size());
            for (int position : refused) {
                out.writeInt(position);
            }
        }

        static Ack read(DataInputStream in) throws IOException {
            long batchId = in.readLong();
            boolean ok = in.readBoolean();
            Set<Integer> refused = new HashSet<>();
            if (Wire.hasMore(in)) {
                int count = in.readInt();
                for (int i = 0; i < count; i++) {
                    refused.add(in.readInt());
                }
            }
            return new Ack(batchId, ok, refused);
        }
    }

    /** A joining node asks for every retained message of the receiving node. */
    record RetainedSyncRequest(long requestId) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            out.writeLong(requestId);
        }

        static RetainedSyncRequest read(DataInputStream in) throws IOException {
            return new RetainedSyncRequest(in.readLong());
        }
    }

    /** One retained message of the list sent to a joining node. */
    record RetainedSync(StoredMessage message) implements ClusterMessage, CarriesMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeMessage(out, message);
        }

        static RetainedSync read(DataInputStream in) throws IOException {
            return new RetainedSync(Wire.readMessage(in));
        }
    }

    /** All retained messages asked for were sent ({@code allSent}) or the sender gave up. */
    record RetainedSyncDone(long requestId, boolean allSent) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            out.writeLong(requestId);
            out.writeBoolean(allSent);
        }

        static RetainedSyncDone read(DataInputStream in) throws IOException {
            return new RetainedSyncDone(in.readLong(), in.readBoolean());
        }
    }

    /** Messages a restarted node had stored for a session that continued on the receiving node. */
    record HandBack(SessionSnapshot session) implements ClusterMessage, CarriesSession {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeSnapshot(out, session);
        }

        static HandBack read(DataInputStream in) throws IOException {
            return new HandBack(Wire.readSnapshot(in));
        }
    }

    /**
     * A message routed to a lost node, sent to the node relaying for it; {@code inDoubt}: the
     * lost node may have stored it (see {@link InDoubtMessages}).
     */
    record ForwardLost(String lostNode, StoredMessage message, boolean inDoubt)
            implements ClusterMessage, CarriesMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, lostNode);
            Wire.writeMessage(out, message);
            out.writeBoolean(inDoubt);
        }

        static ForwardLost read(DataInputStream in) throws IOException {
            return new ForwardLost(Wire.readString(in), Wire.readMessage(in), in.readBoolean());
        }
    }

    /** A relayed message of a lost node for the named sessions of the receiving node only. */
    record DeliverTo(Set<String> clientIds, StoredMessage message, boolean inDoubt)
            implements ClusterMessage, CarriesMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeStrings(out, clientIds);
            Wire.writeMessage(out, message);
            out.writeBoolean(inDoubt);
        }

        static DeliverTo read(DataInputStream in) throws IOException {
            return new DeliverTo(Wire.readStrings(in), Wire.readMessage(in), in.readBoolean());
        }
    }

    /** The sending node relays for the lost node: drop its routes (they lead to the sender now). */
    record Adopted(String lostNode) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, lostNode);
        }

        static Adopted read(DataInputStream in) throws IOException {
            return new Adopted(Wire.readString(in));
        }
    }

    /** The relaying for the lost node is over. */
    record Settled(String lostNode) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, lostNode);
        }

        static Settled read(DataInputStream in) throws IOException {
            return new Settled(Wire.readString(in));
        }
    }

    /**
     * The sending node continues these sessions of the lost node: {@code reachable} once every
     * node knows their routes, not yet when it has just claimed them.
     */
    record Placed(String lostNode, Set<String> clientIds, boolean reachable) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, lostNode);
            Wire.writeStrings(out, clientIds);
            out.writeBoolean(reachable);
        }

        static Placed read(DataInputStream in) throws IOException {
            return new Placed(Wire.readString(in), Wire.readStrings(in), in.readBoolean());
        }
    }

    /** Nothing to do: its acknowledgement says the receiver handled everything sent before. */
    record Sync() implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) {}
    }

    /** A message that reached a session on the node it moved from, for that session on the receiving node. */
    record MovedMessage(String clientId, StoredMessage message) implements ClusterMessage, CarriesMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, clientId);
            Wire.writeMessage(out, message);
        }

        static MovedMessage read(DataInputStream in) throws IOException {
            return new MovedMessage(Wire.readString(in), Wire.readMessage(in));
        }
    }

    /** Every node knows the routes of the session that moved to the sending node. */
    record MoveRouted(String clientId) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, clientId);
        }

        static MoveRouted read(DataInputStream in) throws IOException {
            return new MoveRouted(Wire.readString(in));
        }
    }

    /** The node the session moved from relayed everything. */
    record MoveDone(String clientId) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, clientId);
        }

        static MoveDone read(DataInputStream in) throws IOException {
            return new MoveDone(Wire.readString(in));
        }
    }

    /** The sending node stops: take its session over. */
    record TakeOver(String clientId) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, clientId);
        }

        static TakeOver read(DataInputStream in) throws IOException {
            return new TakeOver(Wire.readString(in));
        }
    }

    /**
     * A part of the queue of a session that moved to the receiving node (its state went in the
     * {@link Released} answer), in order; {@code last}: the queue is complete with it.
     */
    record QueuePart(String clientId, List<QueuedMessage> messages, boolean last) implements ClusterMessage {
        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, clientId);
            Wire.writeQueued(out, messages);
            out.writeBoolean(last);
        }

        @Override
        public int size() {
            return bytes(messages) + 64;
        }

        /** The bytes of the messages, as a batch counts them. */
        static int bytes(List<QueuedMessage> messages) {
            int bytes = 0;
            for (QueuedMessage queued : messages) {
                bytes += Wire.size(queued.message());
            }
            return bytes;
        }

        static QueuePart read(DataInputStream in) throws IOException {
            return new QueuePart(Wire.readString(in), Wire.readQueued(in), in.readBoolean());
        }
    }
}
