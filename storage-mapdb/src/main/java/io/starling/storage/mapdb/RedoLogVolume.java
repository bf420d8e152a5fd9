package io.starling.storage.mapdb;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.mapdb.DataInput2;
import org.mapdb.volume.ByteArrayVol;
import org.mapdb.volume.FileChannelVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store file, made crash-atomic per commit. MapDB 3.1.0's {@code StoreWAL} does not
 * replay its write-ahead log on open (nothing in 3.1.0 calls {@code WriteAheadLog.replayWAL}),
 * and its {@code commit()} writes the new header first and then, one write at a time, index
 * values, free-space ("long stack") pages and records into the store file in place. A process
 * killed in the middle of that leaves a store whose header describes free-space pages that were
 * never written: it opens and reads fine, and every later allocation fails ("Broken bit parity",
 * "Index 160 out of bounds for length 160").
 *
 * <p>This volume, MapDB's view of the store file, keeps every write since the last {@link
 * #sync()} in memory (4 KiB page images; StoreWAL writes the store file only inside {@code
 * commit()}). {@code sync()} first writes all those pages to the {@link RedoLog} next to the
 * store and fsyncs it, then writes them into the store file and fsyncs that, then empties the
 * redo log. {@link RedoLog#recover} runs before the store opens: a complete redo log is applied
 * again (page images, so applying twice is harmless); an incomplete one means the process died
 * before the store file was touched, so it is set aside unread. Either way the store file holds
 * exactly the last completed commit.
 *
 * <p>Reads go through a cache of the store file's pages (at most {@value #CACHED_PAGES} of them,
 * least recently used out first), dirty pages first: MapDB reads its index values, tree nodes
 * and free-space lists eight bytes or one byte at a time, which straight from the file channel
 * is one read syscall each, hundreds per stored message. A cached page always equals the
 * file's content (a page becomes dirty as a copy, and goes into the cache once it is in the
 * file). Only the writer thread uses it.
 */
final class RedoLogVolume extends Volume {

    private static final Logger LOG = LoggerFactory.getLogger(RedoLogVolume.class);

    private static final int PAGE = RedoLog.PAGE;
    /** 16 MiB of the store file cached for reading: the recently used tree nodes and free-space pages. */
    static final int CACHED_PAGES = 4096;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    /** Test seam: called after each write to the redo file or the store file (simulated crash points). */
    interface WriteHook {
        void afterWrite();
    }

    private final Volume file;
    private final RedoLog redo;
    private final WriteHook hook;
    private final TreeMap<Long, byte[]> dirty = new TreeMap<>();
    private final Map<Long, byte[]> cached = new LinkedHashMap<>(CACHED_PAGES, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > CACHED_PAGES;
        }
    };
    private long length;

    RedoLogVolume(Volume file, RedoLog redo, WriteHook hook) {
        this.file = file;
        this.redo = redo;
        this.hook = hook;
        this.length = file.length();
    }

    /**
     * The factory for {@code StoreWAL}: the store file itself through this volume. Its scratch
     * {@code .wal.N} volumes hold the records written since the last commit; StoreWAL reads them
     * back (a byte at a time) within the same process and discards them at every commit, and
     * nothing in 3.1.0 replays them, so with {@code scratchInMemory} they live on the heap: on
     * disk they cost hundreds of read syscalls and one more fsync per commit. Only with
     * durability none, whose scratch grows until shutdown, are they files.
     */
    static VolumeFactory factory(Path store, WriteHook hook, boolean scratchInMemory) {
        String storeName = store.toString();
        return new VolumeFactory() {
            @Override
            public Volume makeVolume(
                    String name,
                    boolean readOnly,
                    long fileLockWait,
                    int sliceShift,
                    long initSize,
                    boolean fixedSize) {
                if (!storeName.equals(name)) {
                    return scratchInMemory
                            ? ByteArrayVol.FACTORY.makeVolume(
                                    name, readOnly, fileLockWait, sliceShift, initSize, fixedSize)
                            : FileChannelVol.FACTORY.makeVolume(
                                    name, readOnly, fileLockWait, sliceShift, initSize, fixedSize);
                }
                Volume plain = FileChannelVol.FACTORY.makeVolume(
                        name, readOnly, fileLockWait, sliceShift, initSize, fixedSize);
                try {
                    return new RedoLogVolume(plain, RedoLog.open(store), hook);
                } catch (IOException e) {
                    plain.close();
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public boolean exists(String name) {
                return FileChannelVol.FACTORY.exists(name);
            }

            @Override
            public boolean handlesReadonly() {
                return FileChannelVol.FACTORY.handlesReadonly();
            }
        };
    }

    @Override
    public void sync() {
        if (dirty.isEmpty() && length <= file.length()) {
            file.sync();
            return;
        }
        try {
            redo.write(length, dirty, hook::afterWrite);
            file.ensureAvailable(length);
            for (Map.Entry<Long, byte[]> page : dirty.entrySet()) {
                file.putData(page.getKey(), page.getValue(), 0, PAGE);
                hook.afterWrite();
            }
            file.sync();
            cached.putAll(dirty);
            dirty.clear();
            redo.clear();
        } catch (IOException e) {
            throw new UncheckedIOException("the store's redo log could not be written", e);
        }
    }

    /** The page image to change: a copy of the page as read, the first time. */
    private byte[] dirtyPage(long pageOffset) {
        byte[] page = dirty.get(pageOffset);
        if (page == null) {
            page = readPage(pageOffset).clone();
            dirty.put(pageOffset, page);
        }
        return page;
    }

    /** The page as MapDB sees it now: changed since the last sync, cached, or read from the file (zeros beyond its end). */
    private byte[] readPage(long pageOffset) {
        byte[] page = dirty.get(pageOffset);
        if (page == null) {
            page = cached.get(pageOffset);
        }
        if (page == null) {
            page = new byte[PAGE];
            long available = file.length() - pageOffset;
            if (available > 0) {
                file.getData(pageOffset, page, 0, (int) Math.min(PAGE, available));
            }
            cached.put(pageOffset, page);
        }
        return page;
    }

    private static long pageOf(long offset) {
        return offset - offset % PAGE;
    }

    @Override
    public void putData(long offset, byte[] src, int srcPos, int size) {
        while (size > 0) {
            long pageOffset = pageOf(offset);
            int inPage = (int) (offset - pageOffset);
            int n = Math.min(size, PAGE - inPage);
            System.arraycopy(src, srcPos, dirtyPage(pageOffset), inPage, n);
            offset += n;
            srcPos += n;
            size -= n;
        }
        length = Math.max(length, offset);
    }

    @Override
    public void putData(long offset, ByteBuffer buf) {
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        putData(offset, bytes, 0, bytes.length);
    }

    @Override
    public void putLong(long offset, long value) {
        putData(offset, ByteBuffer.allocate(8).putLong(value).array(), 0, 8);
    }

    @Override
    public void putInt(long offset, int value) {
        putData(offset, ByteBuffer.allocate(4).putInt(value).array(), 0, 4);
    }

    @Override
    public void putByte(long offset, byte value) {
        putData(offset, new byte[] {value}, 0, 1);
    }

    @Override
    public void clear(long startOffset, long endOffset) {
        byte[] zeros = new byte[PAGE];
        for (long offset = startOffset; offset < endOffset; offset += PAGE) {
            putData(offset, zeros, 0, (int) Math.min(PAGE, endOffset - offset));
        }
    }

    @Override
    public void getData(long offset, byte[] dst, int dstPos, int size) {
        while (size > 0) {
            long pageOffset = pageOf(offset);
            int inPage = (int) (offset - pageOffset);
            int n = Math.min(size, PAGE - inPage);
            System.arraycopy(readPage(pageOffset), inPage, dst, dstPos, n);
            offset += n;
            dstPos += n;
            size -= n;
        }
    }

    @Override
    public long getLong(long offset) {
        int inPage = (int) (offset % PAGE);
        if (inPage > PAGE - 8) {
            byte[] bytes = new byte[8];
            getData(offset, bytes, 0, 8);
            return (long) LONGS.get(bytes, 0);
        }
        return (long) LONGS.get(readPage(offset - inPage), inPage);
    }

    @Override
    public int getInt(long offset) {
        int inPage = (int) (offset % PAGE);
        if (inPage > PAGE - 4) {
            byte[] bytes = new byte[4];
            getData(offset, bytes, 0, 4);
            return (int) INTS.get(bytes, 0);
        }
        return (int) INTS.get(readPage(offset - inPage), inPage);
    }

    @Override
    public byte getByte(long offset) {
        return readPage(pageOf(offset))[(int) (offset % PAGE)];
    }

    @Override
    public DataInput2 getDataInput(long offset, int size) {
        byte[] bytes = new byte[size];
        getData(offset, bytes, 0, size);
        return new DataInput2.ByteArray(bytes);
    }

    @Override
    public void ensureAvailable(long offset) {
        // The file grows when the commit is applied; until then the new space reads as zeros.
        length = Math.max(length, offset);
    }

    @Override
    public void truncate(long size) {
        sync();
        file.truncate(size);
        cached.clear();
        length = file.length();
    }

    @Override
    public long length() {
        return Math.max(length, file.length());
    }

    @Override
    public void close() {
        // Writes not synced are not committed: dropping them is what a crash would do too.
        dirty.clear();
        cached.clear();
        try {
            redo.close();
        } catch (IOException e) {
            LOG.debug("Closing the redo log failed", e);
        } finally {
            file.close();
        }
    }

    @Override
    public int sliceSize() {
        return file.sliceSize();
    }

    @Override
    public boolean isSliced() {
        return file.isSliced();
    }

    @Override
    public boolean isReadOnly() {
        return file.isReadOnly();
    }

    @Override
    public File getFile() {
        return file.getFile();
    }

    @Override
    public boolean getFileLocked() {
        return file.getFileLocked();
    }
}
