package io.starling.storage.mapdb;

import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.Serializer;

/**
 * The named maps of one open store and the operations that keep them consistent with each
 * other: a message is stored once, counted by the queue entries that reference it, and
 * deleted with its last reference. Used only on the writer thread.
 */
final class StoreTables {

    /** The store format this code writes and reads. */
    static final int FORMAT = 1;
    static final String META = "meta";
    static final String FORMAT_KEY = "format";

    final DB db;
    final BTreeMap<String, Integer> meta;
    /** Message id to encoded message ({@link MessageCodec}). */
    final BTreeMap<Long, byte[]> messages;
    /** Message id to the number of queue entries referencing it. */
    final BTreeMap<Long, Integer> references;
    /** (client id, message id) to encoded {@link QueueEntry}. */
    final BTreeMap<Object[], byte[]> queued;
    /** (client id, packet id) of inbound QoS 2 messages awaiting PUBREL. */
    final BTreeMap<Object[], Boolean> inboundQos2;
    /** Client ids of persistent sessions. */
    final BTreeMap<String, Boolean> sessions;
    /** (client id, topic filter) to granted QoS. */
    final BTreeMap<Object[], Integer> subscriptions;
    /** Topic to encoded retained message. */
    final BTreeMap<String, byte[]> retained;
    private long lastSequence;

    StoreTables(DB db) {
        this.db = db;
        meta = db.treeMap(META, Serializer.STRING, Serializer.INTEGER).createOrOpen();
        // Payloads live outside the tree nodes so that changing one entry does not rewrite its neighbours' payloads.
        messages = db.treeMap("messages", Serializer.LONG, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable().createOrOpen();
        references = db.treeMap("references", Serializer.LONG, Serializer.INTEGER).createOrOpen();
        queued = db.treeMap("queued", new TupleKeySerializer(Serializer.STRING, Serializer.LONG), Serializer.BYTE_ARRAY)
            .createOrOpen();
        inboundQos2 = db.treeMap("inbound-qos2", new TupleKeySerializer(Serializer.STRING, Serializer.INTEGER),
            Serializer.BOOLEAN).createOrOpen();
        sessions = db.treeMap("sessions", Serializer.STRING, Serializer.BOOLEAN).createOrOpen();
        subscriptions = db.treeMap("subscriptions", new TupleKeySerializer(Serializer.STRING, Serializer.STRING),
            Serializer.INTEGER).createOrOpen();
        retained = db.treeMap("retained", Serializer.STRING, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable()
            .createOrOpen();
    }

    /** Continues the queue sequence after the highest stored one (once the store is verified: a torn tree may loop). */
    void restoreSequence() {
        for (byte[] entry : queued.values()) {
            lastSequence = Math.max(lastSequence, QueueEntry.decode(entry).sequence());
        }
    }

    /** How far the store file extends once what is applied now is committed. */
    long fileSize() {
        // MapDB keeps the store's end offset in a Kotlin-internal property; 3.1.0 is pinned in the root pom.
        return NodeCachingStore.walOf(db).getFileTail$mapdb();
    }

    /** Stores the message once (if new) and queues it for the client, as sent with the packet id (0: not sent yet). */
    void enqueue(StoredMessage message, String clientId, int qos, int packetId) {
        Object[] key = {clientId, message.id()};
        if (queued.putIfAbsent(key, new QueueEntry(lastSequence + 1, qos, packetId, false).encode()) != null) {
            return;
        }
        lastSequence++;
        if (references.merge(message.id(), 1, Integer::sum) == 1) {
            messages.put(message.id(), MessageCodec.encode(message));
        }
    }

    /** The client's entries, oldest first. */
    List<Map.Entry<QueueEntry, StoredMessage>> entries(String clientId) {
        List<Map.Entry<QueueEntry, StoredMessage>> result = new ArrayList<>();
        for (Map.Entry<Object[], byte[]> entry : clientEntries(clientId).entrySet()) {
            byte[] message = messages.get((Long) entry.getKey()[1]);
            if (message != null) {
                result.add(Map.entry(QueueEntry.decode(entry.getValue()), MessageCodec.decode(message)));
            }
        }
        result.sort((a, b) -> Long.compare(a.getKey().sequence(), b.getKey().sequence()));
        return result;
    }

    /** Removes the client's entry for the message, and the message with its last reference. */
    void dequeue(String clientId, long messageId) {
        if (queued.remove(new Object[] {clientId, messageId}) != null) {
            release(messageId);
        }
    }

    /** Removes every queued and in-flight entry and inbound QoS 2 id of the client. */
    void dropClient(String clientId) {
        ConcurrentNavigableMap<Object[], byte[]> entries = clientEntries(clientId);
        for (Object[] key : entries.keySet()) {
            release((Long) key[1]);
        }
        entries.clear();
        inboundQos2.prefixSubMap(new Object[] {clientId}).clear();
    }

    ConcurrentNavigableMap<Object[], byte[]> clientEntries(String clientId) {
        return queued.prefixSubMap(new Object[] {clientId});
    }

    private void release(long messageId) {
        Integer left = references.computeIfPresent(messageId, (id, count) -> count == 1 ? null : count - 1);
        if (left == null) {
            messages.remove(messageId);
        }
    }
}
