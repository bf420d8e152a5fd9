package io.starling.storage.mapdb;

import java.lang.reflect.Method;
import java.util.Comparator;
import java.util.Map;
import org.mapdb.BTreeMap;
import org.mapdb.DBException;
import org.mapdb.DataIO;
import org.mapdb.StoreWAL;
import org.mapdb.volume.Volume;

/**
 * Reads the whole store once when it opens after it was not closed cleanly, so that a damaged
 * store is refused at start with a clear message instead of failing every write later. It reads
 * every entry of every map and walks MapDB's free-space lists ("long stacks"), which reads alone
 * never touch but every allocation does: a torn commit shows there first ("Broken bit parity").
 * A store closed cleanly ({@link StoreTables#takeCleanStop}) had no commit cut off: only its
 * free-space lists are walked (milliseconds), not every message.
 */
final class StoreVerifier {

    // MapDB 3.1.0 store layout (org.mapdb.StoreDirectJava, package-private); 3.1.0 is pinned in the root pom.
    private static final long RECID_LONG_STACK = 64;
    private static final long HEAD_END = 32864;
    private static final long MOFFSET = 0xFFFFFFFFFFF0L;
    private static final long LONG_STACK_MIN_SIZE = 16;
    private static final long LONG_STACK_MAX_SIZE = 256;

    private StoreVerifier() {}

    /**
     * Throws {@link DBException.DataCorruption} (or what MapDB throws on a damaged record) when the store is damaged.
     *
     * @return the highest queue sequence of the store (0 if nothing is queued), read on the way
     */
    static long verify(StoreTables tables) {
        verifyOrder(tables.meta);
        verifyOrder(tables.messages);
        verifyOrder(tables.references);
        verifyOrder(tables.queued);
        verifyOrder(tables.expiring);
        verifyOrder(tables.usageTable);
        verifyOrder(tables.inboundQos2);
        verifyOrder(tables.sessions);
        verifyOrder(tables.sessionExpiry);
        verifyOrder(tables.wills);
        verifyOrder(tables.subscriptions);
        verifyOrder(tables.retained);
        for (byte[] message : tables.messages.values()) {
            MessageCodec.decode(message);
        }
        for (byte[] message : tables.retained.values()) {
            MessageCodec.decode(message);
        }
        long lastSequence = 0;
        for (byte[] entry : tables.queued.values()) {
            lastSequence = Math.max(lastSequence, QueueEntry.decode(entry).sequence());
        }
        verifyFreeSpaceLists(tables);
        return lastSequence;
    }

    /** The free-space lists alone: what a store closed cleanly is checked for. */
    static void verifyFreeSpaceLists(StoreTables tables) {
        verifyFreeSpaceLists(NodeCachingStore.walOf(tables.db));
    }

    /**
     * Reads every entry; keys must come strictly ascending, as a torn tree can link back to an
     * earlier node and would otherwise be iterated for ever.
     */
    private static <K> void verifyOrder(BTreeMap<K, ?> map) {
        Comparator<? super K> order = map.comparator();
        K previous = null;
        for (Map.Entry<K, ?> entry : map.entrySet()) {
            K key = entry.getKey();
            if (key == null || entry.getValue() == null) {
                throw new DBException.DataCorruption("empty entry in a map");
            }
            if (previous != null && order.compare(previous, key) >= 0) {
                throw new DBException.DataCorruption("a map's entries are out of order (a damaged tree)");
            }
            previous = key;
        }
    }

    private static void verifyFreeSpaceLists(StoreWAL store) {
        long fileTail = store.getFileTail$mapdb();
        Volume volume = storeFile(store);
        // Right after opening (and after every commit) the header on disk is the one in use.
        for (long master = RECID_LONG_STACK; master < HEAD_END; master += 8) {
            long link = DataIO.parity4Get(volume.getLong(master));
            long offset = link & MOFFSET;
            long used = link >>> 48;
            for (int chunks = 0; offset != 0; chunks++) {
                if (offset < 0 || offset + LONG_STACK_MIN_SIZE > fileTail || chunks > fileTail / LONG_STACK_MIN_SIZE) {
                    throw damaged(master, offset, "points outside the store");
                }
                long chunk = DataIO.parity4Get(volume.getLong(offset));
                long size = chunk >>> 48;
                if (size < LONG_STACK_MIN_SIZE || size > LONG_STACK_MAX_SIZE || used > size) {
                    throw damaged(master, offset, "has a page of impossible size");
                }
                byte[] page = new byte[(int) size];
                volume.getData(offset, page, 0, page.length);
                verifyValues(page, chunks == 0 ? (int) used : end(page), master, offset);
                offset = chunk & MOFFSET;
                used = 0;
            }
        }
    }

    /** The end of a full page: after its last non-zero byte (a value's last byte is never zero). */
    private static int end(byte[] page) {
        int end = page.length;
        while (end > 8 && page[end - 1] == 0) {
            end--;
        }
        return end;
    }

    /** Bytes 8 until end are packed longs (7 bits a byte, the last byte of each marked with 0x80), none zero. */
    private static void verifyValues(byte[] page, int end, long master, long offset) {
        if (end < 8 && end != 0) {
            throw damaged(master, offset, "has a page of impossible length");
        }
        long value = 0;
        int length = 0;
        for (int i = 8; i < end; i++) {
            value = (value << 7) | (page[i] & 0x7F);
            length++;
            if ((page[i] & 0x80) != 0) {
                if (value == 0 || value >>> 48 != 0) {
                    throw damaged(master, offset, "holds an impossible value");
                }
                value = 0;
                length = 0;
            } else if (length > 8) {
                throw damaged(master, offset, "holds an unreadable value");
            }
        }
        if (length != 0) {
            throw damaged(master, offset, "ends in the middle of a value");
        }
    }

    private static DBException.DataCorruption damaged(long master, long offset, String what) {
        return new DBException.DataCorruption("free-space list " + master + " " + what + " (page at " + offset + ")");
    }

    /** The store file's volume: StoreWAL keeps it in a protected property. */
    private static Volume storeFile(StoreWAL store) {
        try {
            Method getter = StoreWAL.class.getDeclaredMethod("getRealVolume");
            getter.setAccessible(true);
            return (Volume) getter.invoke(store);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("MapDB 3.1.0 expected (StoreWAL.getRealVolume)", e);
        }
    }
}
