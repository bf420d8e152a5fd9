package io.starling.cluster.hazelcast;

import io.starling.spi.QueuedMessage;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The cluster's copy of one persistent session's queued and in-flight messages: the value of
 * the IMap {@code starling.queues} under the session's client id (see {@link QueueReplicas}).
 * Held as an object by the key's partition owner and its backup, each changed in place by the
 * same {@link Change}; confined to the partition's thread.
 */
final class QueueReplica implements Serializable {

    private static final long serialVersionUID = 1L;
    /** How many changes of messages not (yet) here are remembered (see {@link #gone}, {@link #early}). */
    private static final int MAX_GONE = 1024;

    /** The node whose session this is: only its changes apply. */
    String owner;

    /**
     * The node that handed the session over to {@link #owner} while both ran, or null: messages it
     * had routed to the session before it let go may still reach it, and it appends them before
     * relaying them to the owner (who appends the same message again, a no-op).
     */
    String handedOverBy;

    /** By message id. */
    final LinkedHashMap<Long, Item> items = new LinkedHashMap<>();

    /**
     * Messages removed before their append arrived (Hazelcast retries an operation that met a
     * migrating partition, so two changes of one session can swap): their append is ignored.
     */
    final LinkedHashSet<Long> gone = new LinkedHashSet<>();

    /** Packet ids and PUBRECs of messages whose append has not arrived yet (see {@link #gone}). */
    final LinkedHashMap<Long, Item> early = new LinkedHashMap<>();

    QueueReplica(String owner) {
        this.owner = owner;
    }

    /** One message of the queue, as {@link QueuedMessage} has it, plus its place in the queue. */
    static final class Item implements Serializable {

        private static final long serialVersionUID = 1L;
        final long messageId;
        /** {@link Wire#encodeMessage}; one array shared by the sessions of one append. */
        final byte[] message;

        final int qos;
        final boolean retain;
        /** Orders the queue: given by the owner when it appended the message. */
        final long sequence;

        int packetId;
        boolean released;

        Item(long messageId, byte[] message, int qos, boolean retain, long sequence) {
            this.messageId = messageId;
            this.message = message;
            this.qos = qos;
            this.retain = retain;
            this.sequence = sequence;
        }

        Item copy() {
            Item copy = new Item(messageId, message, qos, retain, sequence);
            copy.packetId = packetId;
            copy.released = released;
            return copy;
        }

        QueuedMessage toQueued() {
            return new QueuedMessage(Wire.decodeMessage(message).withRetain(retain), qos, packetId, released);
        }
    }

    /**
     * Adds the message unless it is here already or was removed before it came, with the packet
     * id and PUBREC that came before it.
     */
    void append(Item item) {
        if (gone.remove(item.messageId)) {
            early.remove(item.messageId);
            return;
        }
        if (items.putIfAbsent(item.messageId, item) == null) {
            Item before = early.remove(item.messageId);
            if (before != null) {
                item.packetId = before.packetId;
                item.released = before.released;
            }
        }
    }

    /** The message was sent with {@code packetId}. */
    void sent(long messageId, int packetId) {
        itemOrEarly(messageId).packetId = packetId;
    }

    /** The client's PUBREC for the message came. */
    void released(long messageId) {
        itemOrEarly(messageId).released = true;
    }

    private Item itemOrEarly(long messageId) {
        Item item = items.get(messageId);
        if (item != null) {
            return item;
        }
        Item before = early.computeIfAbsent(messageId, id -> new Item(id, null, 0, false, 0));
        if (early.size() > MAX_GONE) {
            early.remove(early.keySet().iterator().next());
        }
        return before;
    }

    void remove(long messageId) {
        early.remove(messageId);
        if (items.remove(messageId) == null) {
            gone.add(messageId);
            if (gone.size() > MAX_GONE) {
                gone.remove(gone.iterator().next());
            }
        }
    }

    /** The messages in queue order. */
    List<Item> ordered() {
        List<Item> ordered = new ArrayList<>(items.values());
        ordered.sort(Comparator.comparingLong(item -> item.sequence));
        return ordered;
    }

    /** Whether {@code node} may append: the owner, or the node that handed the session over to it. */
    boolean appendsFrom(String node) {
        return owner.equals(node) || node.equals(handedOverBy);
    }

    /** A copy to hand out of the partition thread, which goes on changing the items. */
    QueueReplica copy() {
        QueueReplica copy = new QueueReplica(owner);
        items.forEach((messageId, item) -> copy.items.put(messageId, item.copy()));
        return copy;
    }

    /** The highest sequence in the queue, or {@link Long#MIN_VALUE}. */
    long lastSequence() {
        long last = Long.MIN_VALUE;
        for (Map.Entry<Long, Item> entry : items.entrySet()) {
            last = Math.max(last, entry.getValue().sequence);
        }
        return last;
    }
}
