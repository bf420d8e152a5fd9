package io.starling.cluster.hazelcast;

import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Set;

/**
 * What one node tells another, one record per message, each with its type code, its
 * {@code write} and its {@code read} side by side. {@link Wire} frames them: a type code, the
 * length of what {@code write} wrote, then those bytes.
 *
 * <p>Adding a field to a message keeps {@link Wire#VERSION}: write it after the existing ones,
 * and read it only {@link Wire#hasMore if more bytes follow} (a node of the previous release did
 * not write it), with a default otherwise; a node of the previous release does not read it
 * (its reader stops at the fields it knows, the frame skips the rest). A field added to every
 * message carried ({@link Wire#writeMessage}) works the same way inside the message's own block.
 * Removing or reordering fields changes the version.
 */
sealed interface ClusterMessage {

    byte type();

    void write(DataOutputStream out) throws IOException;

    /** Roughly the bytes it takes on the wire, to bound a batch. */
    default int size() {
        return 64;
    }

    /** Reads the message of this type code from its bytes. */
    static ClusterMessage read(byte type, DataInputStream in) throws IOException {
        return switch (type) {
            case Hello.TYPE -> new Hello();
            case RouteAdded.TYPE -> RouteAdded.read(in);
            case RouteRemoved.TYPE -> RouteRemoved.read(in);
            case Routes.TYPE -> Routes.read(in);
            case Forward.TYPE -> Forward.read(in);
            case Retained.TYPE -> Retained.read(in);
            case Release.TYPE -> Release.read(in);
            case Released.TYPE -> Released.read(in);
            case Ack.TYPE -> Ack.read(in);
            case RetainedSyncRequest.TYPE -> RetainedSyncRequest.read(in);
            case RetainedSync.TYPE -> RetainedSync.read(in);
            case RetainedSyncDone.TYPE -> RetainedSyncDone.read(in);
            case HandBack.TYPE -> HandBack.read(in);
            case ForwardLost.TYPE -> ForwardLost.read(in);
            case DeliverTo.TYPE -> DeliverTo.read(in);
            case Adopted.TYPE -> Adopted.read(in);
            case Settled.TYPE -> Settled.read(in);
            case Placed.TYPE -> Placed.read(in);
            case Sync.TYPE -> new Sync();
            case MovedMessage.TYPE -> MovedMessage.read(in);
            case MoveRouted.TYPE -> MoveRouted.read(in);
            case MoveDone.TYPE -> MoveDone.read(in);
            case TakeOver.TYPE -> TakeOver.read(in);
            default -> throw new IOException("unknown cluster message type " + type);
        };
    }

    /** The sender's inbox listens (sent at start and to members met later); answered once with a hello. */
    record Hello() implements ClusterMessage {
        static final byte TYPE = 1;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) {}
    }

    /** The sending node has subscribers for this filter now. */
    record RouteAdded(String filter) implements ClusterMessage {
        static final byte TYPE = 2;

        @Override
        public byte type() {
            return TYPE;
        }

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
        static final byte TYPE = 3;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, filter);
        }

        static RouteRemoved read(DataInputStream in) throws IOException {
            return new RouteRemoved(Wire.readString(in));
        }
    }

    /** All the sending node's filters: they replace what the receiver knew of its routes. */
    record Routes(Set<String> filters) implements ClusterMessage {
        static final byte TYPE = 4;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeStrings(out, filters);
        }

        static Routes read(DataInputStream in) throws IOException {
            return new Routes(Wire.readStrings(in));
        }
    }

    /** A publish for the receiving node's subscribers. */
    record Forward(StoredMessage message) implements ClusterMessage {
        static final byte TYPE = 5;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeMessage(out, message);
        }

        static Forward read(DataInputStream in) throws IOException {
            return new Forward(Wire.readMessage(in));
        }

        @Override
        public int size() {
            return Wire.size(message);
        }
    }

    /** A retained message set (or cleared, empty payload) on the sending node. */
    record Retained(StoredMessage message) implements ClusterMessage {
        static final byte TYPE = 6;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeMessage(out, message);
        }

        static Retained read(DataInputStream in) throws IOException {
            return new Retained(Wire.readMessage(in));
        }

        @Override
        public int size() {
            return Wire.size(message);
        }
    }

    /** The sending node claimed this client id (at this epoch): hand its session over. */
    record Release(long requestId, String clientId, long epoch) implements ClusterMessage {
        static final byte TYPE = 7;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            out.writeLong(requestId);
            Wire.writeString(out, clientId);
            out.writeLong(epoch);
        }

        static Release read(DataInputStream in) throws IOException {
            return new Release(in.readLong(), Wire.readString(in), in.readLong());
        }
    }

    /**
     * The answer to a {@link Release}: the session (null if none), the lost node whose session it
     * continues while that node's messages are still relayed (null if none), and the session's
     * {@link InDoubtMessages} keys.
     */
    record Released(long requestId, SessionSnapshot snapshot, String lostNode, Set<String> inDoubt)
            implements ClusterMessage {
        static final byte TYPE = 8;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            out.writeLong(requestId);
            out.writeBoolean(snapshot != null);
            if (snapshot != null) {
                Wire.writeSnapshot(out, snapshot);
            }
            out.writeBoolean(lostNode != null);
            if (lostNode != null) {
                Wire.writeString(out, lostNode);
            }
            Wire.writeStrings(out, inDoubt);
        }

        static Released read(DataInputStream in) throws IOException {
            long requestId = in.readLong();
            SessionSnapshot snapshot = in.readBoolean() ? Wire.readSnapshot(in) : null;
            String lostNode = in.readBoolean() ? Wire.readString(in) : null;
            return new Released(requestId, snapshot, lostNode, Wire.readStrings(in));
        }

        @Override
        public int size() {
            return Wire.size(snapshot);
        }
    }

    /** The receiving node handled the batch (stored what it had to, when {@code ok}). */
    record Ack(long batchId, boolean ok) implements ClusterMessage {
        static final byte TYPE = 9;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            out.writeLong(batchId);
            out.writeBoolean(ok);
        }

        static Ack read(DataInputStream in) throws IOException {
            return new Ack(in.readLong(), in.readBoolean());
        }
    }

    // Type 10 was a will; wills live in the wills map (see Wills), never in a frame.

    /** A joining node asks for every retained message of the receiving node. */
    record RetainedSyncRequest(long requestId) implements ClusterMessage {
        static final byte TYPE = 11;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            out.writeLong(requestId);
        }

        static RetainedSyncRequest read(DataInputStream in) throws IOException {
            return new RetainedSyncRequest(in.readLong());
        }
    }

    /** One retained message of the list sent to a joining node. */
    record RetainedSync(StoredMessage message) implements ClusterMessage {
        static final byte TYPE = 12;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeMessage(out, message);
        }

        static RetainedSync read(DataInputStream in) throws IOException {
            return new RetainedSync(Wire.readMessage(in));
        }

        @Override
        public int size() {
            return Wire.size(message);
        }
    }

    /** All retained messages asked for were sent ({@code allSent}) or the sender gave up. */
    record RetainedSyncDone(long requestId, boolean allSent) implements ClusterMessage {
        static final byte TYPE = 13;

        @Override
        public byte type() {
            return TYPE;
        }

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
    record HandBack(SessionSnapshot session) implements ClusterMessage {
        static final byte TYPE = 14;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeSnapshot(out, session);
        }

        static HandBack read(DataInputStream in) throws IOException {
            return new HandBack(Wire.readSnapshot(in));
        }

        @Override
        public int size() {
            return Wire.size(session);
        }
    }

    /**
     * A message routed to a lost node, sent to the node relaying for it; {@code inDoubt}: the
     * lost node may have stored it (see {@link InDoubtMessages}).
     */
    record ForwardLost(String lostNode, StoredMessage message, boolean inDoubt) implements ClusterMessage {
        static final byte TYPE = 15;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, lostNode);
            Wire.writeMessage(out, message);
            out.writeBoolean(inDoubt);
        }

        static ForwardLost read(DataInputStream in) throws IOException {
            return new ForwardLost(Wire.readString(in), Wire.readMessage(in), in.readBoolean());
        }

        @Override
        public int size() {
            return Wire.size(message);
        }
    }

    /** A relayed message of a lost node for the named sessions of the receiving node only. */
    record DeliverTo(Set<String> clientIds, StoredMessage message, boolean inDoubt) implements ClusterMessage {
        static final byte TYPE = 16;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeStrings(out, clientIds);
            Wire.writeMessage(out, message);
            out.writeBoolean(inDoubt);
        }

        static DeliverTo read(DataInputStream in) throws IOException {
            return new DeliverTo(Wire.readStrings(in), Wire.readMessage(in), in.readBoolean());
        }

        @Override
        public int size() {
            return Wire.size(message);
        }
    }

    /** The sending node relays for the lost node: drop its routes (they lead to the sender now). */
    record Adopted(String lostNode) implements ClusterMessage {
        static final byte TYPE = 17;

        @Override
        public byte type() {
            return TYPE;
        }

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
        static final byte TYPE = 18;

        @Override
        public byte type() {
            return TYPE;
        }

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
        static final byte TYPE = 19;

        @Override
        public byte type() {
            return TYPE;
        }

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
        static final byte TYPE = 20;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) {}
    }

    /** A message that reached a session on the node it moved from, for that session on the receiving node. */
    record MovedMessage(String clientId, StoredMessage message) implements ClusterMessage {
        static final byte TYPE = 21;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, clientId);
            Wire.writeMessage(out, message);
        }

        static MovedMessage read(DataInputStream in) throws IOException {
            return new MovedMessage(Wire.readString(in), Wire.readMessage(in));
        }

        @Override
        public int size() {
            return Wire.size(message);
        }
    }

    /** Every node knows the routes of the session that moved to the sending node. */
    record MoveRouted(String clientId) implements ClusterMessage {
        static final byte TYPE = 22;

        @Override
        public byte type() {
            return TYPE;
        }

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
        static final byte TYPE = 23;

        @Override
        public byte type() {
            return TYPE;
        }

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
        static final byte TYPE = 24;

        @Override
        public byte type() {
            return TYPE;
        }

        @Override
        public void write(DataOutputStream out) throws IOException {
            Wire.writeString(out, clientId);
        }

        static TakeOver read(DataInputStream in) throws IOException {
            return new TakeOver(Wire.readString(in));
        }
    }
}
