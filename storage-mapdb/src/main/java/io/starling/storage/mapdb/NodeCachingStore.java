package io.starling.storage.mapdb;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import kotlin.collections.LongIterator;
import org.mapdb.DB;
import org.mapdb.DBException;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.Serializer;
import org.mapdb.StoreTx;
import org.mapdb.StoreWAL;

/**
 * StoreWAL with a cache of deserialized BTree nodes. MapDB 3 has no instance cache: every map
 * operation reads and deserializes each node on its path again (for the queue map, 32 client
 * ids decoded character by character per node), which was most of the store's CPU per message.
 *
 * <p>Only BTree nodes are cached, because MapDB treats them as immutable: every change builds
 * new key and value arrays (copy-on-write in 3.1.0's group serializers) from a node it read and
 * writes the new node with {@link #update}, which replaces the cached one. A rollback empties the cache. Other
 * records (the name catalog, values stored outside nodes) are not cached, since their callers
 * may keep and change the objects they read. Used by the writer thread only.
 */
final class NodeCachingStore implements StoreTx {

    /** At most this many nodes (each up to 32 keys and values): the trees' upper levels and recently used leaves. */
    static final int CACHED_NODES = 4096;
    /** MapDB 3.1.0's serializer of BTree nodes, a package-private class. */
    private static final Class<?> NODE_SERIALIZER = nodeSerializerClass();

    /**
     * Hands StoreWAL a node already serialized into {@link #scratch}: serializing into its own
     * fresh 128-byte buffer grows that buffer four or five times per node, a quarter of the
     * writer's CPU. The stored bytes are the same.
     */
    private static final Serializer<DataOutput2> SERIALIZED = new Serializer<>() {
        @Override
        public void serialize(DataOutput2 out, DataOutput2 serialized) throws IOException {
            out.write(serialized.buf, 0, serialized.pos);
        }

        @Override
        public DataOutput2 deserialize(DataInput2 in, int available) {
            throw new UnsupportedOperationException("only for writing; nodes are read with their own serializer");
        }
    };

    private final StoreWAL wal;
    private final DataOutput2 scratch = new DataOutput2();
    private final Map<Long, Object> nodes = new LinkedHashMap<>(CACHED_NODES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Object> eldest) {
            return size() > CACHED_NODES;
        }
    };

    NodeCachingStore(StoreWAL wal) {
        this.wal = wal;
    }

    /** The StoreWAL under the DB's store, for what only it can tell (file tail, free-space lists). */
    static StoreWAL walOf(DB db) {
        return ((NodeCachingStore) db.getStore()).wal;
    }

    private static Class<?> nodeSerializerClass() {
        try {
            return Class.forName("org.mapdb.BTreeMapJava$NodeSerializer");
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("MapDB 3.1.0 expected (BTreeMapJava.NodeSerializer)", e);
        }
    }

    private static boolean isNode(Serializer<?> serializer) {
        return serializer.getClass() == NODE_SERIALIZER;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> R get(long recid, Serializer<R> serializer) {
        if (!isNode(serializer)) {
            return wal.get(recid, serializer);
        }
        Object node = nodes.get(recid);
        if (node == null) {
            node = wal.get(recid, serializer);
            if (node != null) {
                nodes.put(recid, node);
            }
        }
        return (R) node;
    }

    /**
     * Not cached: a new map's empty root node is built with the map's value serializer's empty
     * array even where nodes hold value record ids (values outside nodes), which only the
     * stored form hides. The next {@link #get} caches the node as read back.
     */
    @Override
    public <R> long put(R record, Serializer<R> serializer) {
        return wal.put(record, serializer);
    }

    @Override
    public <R> void update(long recid, R record, Serializer<R> serializer) {
        nodes.remove(recid);
        if (record == null || !isNode(serializer)) {
            wal.update(recid, record, serializer);
            return;
        }
        scratch.pos = 0;
        try {
            serializer.serialize(scratch, record);
        } catch (IOException e) {
            throw new DBException.SerializationError(e);
        }
        wal.update(recid, scratch, SERIALIZED);
        nodes.put(recid, record);
    }

    @Override
    public <R> boolean compareAndSwap(long recid, R expectedOldRecord, R newRecord, Serializer<R> serializer) {
        nodes.remove(recid);
        return wal.compareAndSwap(recid, expectedOldRecord, newRecord, serializer);
    }

    @Override
    public <R> void delete(long recid, Serializer<R> serializer) {
        nodes.remove(recid);
        wal.delete(recid, serializer);
    }

    @Override
    public long preallocate() {
        return wal.preallocate();
    }

    @Override
    public void commit() {
        wal.commit();
    }

    @Override
    public void rollback() {
        nodes.clear();
        wal.rollback();
    }

    @Override
    public void compact() {
        wal.compact();
    }

    @Override
    public void close() {
        nodes.clear();
        wal.close();
    }

    @Override
    public boolean isClosed() {
        return wal.isClosed();
    }

    @Override
    public void verify() {
        wal.verify();
    }

    @Override
    public boolean isReadOnly() {
        return wal.isReadOnly();
    }

    @Override
    public boolean fileLoad() {
        return wal.fileLoad();
    }

    @Override
    public LongIterator getAllRecids() {
        return wal.getAllRecids();
    }

    @Override
    public Iterable<String> getAllFiles() {
        return wal.getAllFiles();
    }

    @Override
    public boolean isThreadSafe() {
        return wal.isThreadSafe();
    }

    @Override
    public void checkThreadSafe() {
        wal.checkThreadSafe();
    }
}
