package io.starling.storage.mapdb;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.QueuePage;
import io.starling.spi.QueuedMessage;
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

    /**
     * The store format this code writes and reads: 3 added MQTT 5 properties at the end of
     * message records and the session-expiry table (an older broker refuses it, rather than
     * deliver expired messages or keep expired sessions).
     */
    static final int FORMAT = 3;

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
    /**
     * (expires at, client id, message id) of each queued copy of a message with a Message
     * Expiry, so that {@link #dropExpired} finds them by time (added within format 3: entries
     * written before have no row, and are dropped at their turn in the queue).
     */
    final BTreeMap<Object[], Boolean> expiring;
    /** Client id to the bytes its queue is charged ({@link QueueUsage}; format 2, which also added each entry's size). */
    final BTreeMap<String, Long> usageTable;

    final QueueUsage usage;
    /** (client id, packet id) of inbound QoS 2 messages awaiting PUBREL. */
    final BTreeMap<Object[], Boolean> inboundQos2;
    /** Client ids of persistent sessions. */
    final BTreeMap<String, Boolean> sessions;
    /** Client id to {interval seconds, offline since} of a session that expires ({@link MapDbSessionStore}; format 3). */
    final BTreeMap<String, long[]> sessionExpiry;
    /**
     * Client id to its MQTT 5 will waiting for its delay ({@link WillCodec}). Added within format
     * 3: an older store opens with the table empty, and a broker without it ignores the table.
     */
    final BTreeMap<String, byte[]> wills;
    /** (client id, topic filter) to granted QoS. */
    final BTreeMap<Object[], Integer> subscriptions;
    /** Topic to encoded retained message. */
    final BTreeMap<String, byte[]> retained;
    /**
     * One entry ({@link #LAST_SEQUENCE}) while the store is closed cleanly: the last queue
     * sequence, written by the last commit before closing and removed (committed) when the store
     * opens again. Its absence at start means the store may have been cut off mid-write (kill -9,
     * power loss) and is verified in full.
     */
    private final BTreeMap<String, Long> cleanStop;

    private static final String LAST_SEQUENCE = "last-sequence";

    private long lastSequence;

    StoreTables(DB db) {
        this.db = db;
        meta = db.treeMap(META, Serializer.STRING, Serializer.INTEGER).createOrOpen();
        // Payloads live outside the tree nodes so that changing one entry does not rewrite its neighbours' payloads.
        messages = db.treeMap("messages", Serializer.LONG, Serializer.BYTE_ARRAY)
                .valuesOutsideNodesEnable()
                .createOrOpen();
        references =
                db.treeMap("references", Serializer.LONG, Serializer.INTEGER).createOrOpen();
        queued = db.treeMap("queued", new TupleKeySerializer(Serializer.STRING, Serializer.LONG), Serializer.BYTE_ARRAY)
                .createOrOpen();
        usageTable =
                db.treeMap("queue-usage", Serializer.STRING, Serializer.LONG).createOrOpen();
        expiring = db.treeMap(
                        "expiring",
                        new TupleKeySerializer(Serializer.LONG, Serializer.STRING, Serializer.LONG),
                        Serializer.BOOLEAN)
                .createOrOpen();
        usage = new QueueUsage(usageTable);
        inboundQos2 = db.treeMap(
                        "inbound-qos2",
                        new TupleKeySerializer(Serializer.STRING, Serializer.INTEGER),
                        Serializer.BOOLEAN)
                .createOrOpen();
        sessions = db.treeMap("sessions", Serializer.STRING, Serializer.BOOLEAN).createOrOpen();
        sessionExpiry = db.treeMap("session-expiry", Serializer.STRING, Serializer.LONG_ARRAY)
                .createOrOpen();
        wills = db.treeMap("wills", Serializer.STRING, Serializer.BYTE_ARRAY).createOrOpen();
        subscriptions = db.treeMap(
                        "subscriptions",
                        new TupleKeySerializer(Serializer.STRING, Serializer.STRING),
                        Serializer.INTEGER)
                .createOrOpen();
        retained = db.treeMap("retained", Serializer.STRING, Serializer.BYTE_ARRAY)
                .valuesOutsideNodesEnable()
                .createOrOpen();
        cleanStop = db.treeMap("clean-stop", Serializer.STRING, Serializer.LONG).createOrOpen();
    }

    /** Continues the queue sequence after {@code sequence}, the highest stored one. */
    void continueSequenceAfter(long sequence) {
        lastSequence = sequence;
    }

    /** Records that the store is being closed cleanly, with the queue sequence: the last change before the last commit. */
    void markCleanStop() {
        cleanStop.put(LAST_SEQUENCE, lastSequence);
    }

    /**
     * Removes the clean-stop mark (to be committed before any other write).
     *
     * @return the queue sequence it recorded, or null if the store was not closed cleanly after it last opened
     */
    Long takeCleanStop() {
        return cleanStop.remove(LAST_SEQUENCE);
    }

    /** How far the store file extends once what is applied now is committed. */
    long fileSize() {
        // MapDB keeps the store's end offset in a Kotlin-internal property; 3.1.0 is pinned in the root pom.
        return NodeCachingStore.walOf(db).getFileTail$mapdb();
    }

    /**
     * Stores the message once (if new) and queues it for the target, as sent with the packet id
     * (0: not sent yet).
     */
    void enqueue(StoredMessage message, DeliveryTarget target, int packetId) {
        String clientId = target.clientId();
        Object[] key = {clientId, message.id()};
        byte[] encoded = references.containsKey(message.id()) ? null : MessageCodec.encode(message);
        int size = (encoded != null ? encoded.length : messages.get(message.id()).length) + QueueUsage.ENTRY_OVERHEAD;
        long expiresAt = message.properties().hasExpiry() ? message.expiresAtMillis() : QueueEntry.NO_EXPIRY;
        QueueEntry entry = new QueueEntry(lastSequence + 1, target.qos(), packetId, size, target.retain(), expiresAt);
        if (queued.putIfAbsent(key, entry.encode()) != null) {
            return;
        }
        lastSequence++;
        if (expiresAt != QueueEntry.NO_EXPIRY) {
            expiring.put(new Object[] {expiresAt, clientId, message.id()}, Boolean.TRUE);
        }
        usage.add(clientId, size);
        if (references.merge(message.id(), 1, Integer::sum) == 1) {
            messages.put(message.id(), encoded);
        }
    }

    /**
     * Up to {@code max} of the client's entries whose message id is above {@code after}, by
     * message id (publish order for the messages of one publisher on one node): one descent to
     * the start, then only what is returned is read.
     */
    QueuePage page(String clientId, long after, int max) {
        List<QueuedMessage> result = new ArrayList<>(Math.min(max, 256));
        long last = after;
        for (Map.Entry<Object[], byte[]> stored : clientEntries(clientId)
                .tailMap(new Object[] {clientId, after}, false)
                .entrySet()) {
            if (result.size() == max) {
                return new QueuePage(result, last, false);
            }
            last = (Long) stored.getKey()[1];
            byte[] message = messages.get(last);
            if (message != null) {
                QueueEntry entry = QueueEntry.decode(stored.getValue());
                result.add(new QueuedMessage(
                        entry.asSent(MessageCodec.decode(message)), entry.qos(), entry.packetId(), entry.released()));
            }
        }
        return new QueuePage(result, last, true);
    }

    /** The client's entries in the order they were appended. */
    List<QueuedMessage> entries(String clientId) {
        List<Map.Entry<QueueEntry, StoredMessage>> found = new ArrayList<>();
        for (Map.Entry<Object[], byte[]> entry : clientEntries(clientId).entrySet()) {
            byte[] message = messages.get((Long) entry.getKey()[1]);
            if (message != null) {
                found.add(Map.entry(QueueEntry.decode(entry.getValue()), MessageCodec.decode(message)));
            }
        }
        found.sort((a, b) -> Long.compare(a.getKey().sequence(), b.getKey().sequence()));
        return found.stream()
                .map(e -> new QueuedMessage(
                        e.getKey().asSent(e.getValue()),
                        e.getKey().qos(),
                        e.getKey().packetId(),
                        e.getKey().released()))
                .toList();
    }

    /** Removes the client's entry for the message, and the message with its last reference. */
    void dequeue(String clientId, long messageId) {
        byte[] removed = queued.remove(new Object[] {clientId, messageId});
        if (removed != null) {
            QueueEntry entry = QueueEntry.decode(removed);
            usage.add(clientId, -entry.size());
            forgetExpiry(clientId, messageId, entry);
            release(messageId);
        }
    }

    private void forgetExpiry(String clientId, long messageId, QueueEntry entry) {
        if (entry.expiresAt() != QueueEntry.NO_EXPIRY) {
            expiring.remove(new Object[] {entry.expiresAt(), clientId, messageId});
        }
    }

    /** What one call of {@link #dropExpired} did. */
    record ExpiredSweep(int removed, boolean more) {}

    /**
     * Removes up to {@code max} queued copies of messages whose Message Expiry passed before
     * {@code now} (a message already sent stays until its flow completes: only its row goes).
     * {@code more} if there may be others.
     */
    ExpiredSweep dropExpired(long now, int max) {
        List<Object[]> due = new ArrayList<>();
        for (Object[] key : expiring.headMap(new Object[] {now}).keySet()) {
            if (due.size() == max) {
                break;
            }
            due.add(key);
        }
        int removed = 0;
        for (Object[] key : due) {
            String clientId = (String) key[1];
            long messageId = (Long) key[2];
            byte[] entry = queued.get(new Object[] {clientId, messageId});
            if (entry != null && QueueEntry.decode(entry).packetId() == 0) {
                dequeue(clientId, messageId);
                removed++;
            } else {
                expiring.remove(key);
            }
        }
        return new ExpiredSweep(removed, due.size() == max);
    }

    /** Removes every queued and in-flight entry and inbound QoS 2 id of the client. */
    void dropClient(String clientId) {
        ConcurrentNavigableMap<Object[], byte[]> entries = clientEntries(clientId);
        for (Map.Entry<Object[], byte[]> entry : entries.entrySet()) {
            long messageId = (Long) entry.getKey()[1];
            forgetExpiry(clientId, messageId, QueueEntry.decode(entry.getValue()));
            release(messageId);
        }
        entries.clear();
        usage.add(clientId, -usage.of(clientId));
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
