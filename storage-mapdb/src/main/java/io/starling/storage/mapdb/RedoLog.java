package io.starling.storage.mapdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redo file next to the store ({@code starling.mapdb.redo}): its format, the writing of one
 * commit into it, and the recovery before the store opens. One commit is the store's length
 * and the images of the pages it changed:
 *
 * <pre>
 * magic "STLREDO1" (8) | store length (8) | page count (4) | (page offset (8), page (4096)) * count | CRC32C of all before (4)
 * </pre>
 *
 * A file that is shorter or longer than its page count says, has another magic or a wrong CRC
 * is incomplete: the process died while writing it, before the store file was touched.
 */
final class RedoLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedoLog.class);

    static final String SUFFIX = ".redo";
    static final int PAGE = 4096;
    private static final long MAGIC = 0x53544c5245444f31L; // "STLREDO1"
    /** magic, store length, page count. */
    private static final int HEADER = 8 + 8 + 4;

    /** A complete commit read back: the store's length and its page images by offset. */
    record Commit(long storeLength, SortedMap<Long, byte[]> pages) {}

    private final FileChannel channel;

    private RedoLog(FileChannel channel) {
        this.channel = channel;
    }

    static Path fileOf(Path store) {
        return store.resolveSibling(store.getFileName() + SUFFIX);
    }

    /** Opens (or creates) the redo file of the store. */
    static RedoLog open(Path store) throws IOException {
        Path path = fileOf(store);
        boolean created = !Files.exists(path);
        FileChannel channel =
                FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (created) {
            syncDirectory(store.toAbsolutePath().getParent());
        }
        return new RedoLog(channel);
    }

    /**
     * Writes one commit and fsyncs it: once this returns, the commit survives a crash.
     *
     * @param afterWrite called after each piece written (the crash points of the tests)
     */
    void write(long storeLength, SortedMap<Long, byte[]> pages, Runnable afterWrite) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer header = ByteBuffer.allocate(HEADER)
                .putLong(MAGIC)
                .putLong(storeLength)
                .putInt(pages.size())
                .flip();
        crc.update(header.duplicate());
        long position = 0;
        position += writeFully(channel, header, position);
        afterWrite.run();
        ByteBuffer offset = ByteBuffer.allocate(8);
        for (Map.Entry<Long, byte[]> page : pages.entrySet()) {
            offset.clear();
            offset.putLong(page.getKey()).flip();
            crc.update(offset.duplicate());
            crc.update(page.getValue());
            position += writeFully(channel, offset, position);
            position += writeFully(channel, ByteBuffer.wrap(page.getValue()), position);
            afterWrite.run();
        }
        position += writeFully(
                channel, ByteBuffer.allocate(4).putInt((int) crc.getValue()).flip(), position);
        channel.truncate(position);
        channel.force(false);
        afterWrite.run();
    }

    /**
     * The commit reached the store file: the log is emptied. Not forced: if this is lost, the
     * next open applies the same page images again, which is harmless.
     */
    void clear() throws IOException {
        channel.truncate(0);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Before the store opens: finishes the commit a crash interrupted after its redo file was
     * complete, or sets aside a redo file the crash cut short (the store file was not yet touched
     * by that commit, and no write in it was acknowledged).
     */
    static void recover(Path store) throws IOException {
        Path path = fileOf(store);
        if (!Files.exists(path) || Files.size(path) == 0) {
            return;
        }
        Commit commit = decode(Files.readAllBytes(path));
        if (commit == null) {
            Path aside = path.resolveSibling(path.getFileName() + ".incomplete");
            Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
            LOG.warn(
                    "The broker stopped while writing a commit to {}; that commit never reached the store and none "
                            + "of its writes were acknowledged. The incomplete log was moved to {}.",
                    path,
                    aside);
            return;
        }
        try (FileChannel channel = FileChannel.open(store, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (Map.Entry<Long, byte[]> page : commit.pages().entrySet()) {
                writeFully(channel, ByteBuffer.wrap(page.getValue()), page.getKey());
            }
            if (channel.size() < commit.storeLength()) {
                writeFully(channel, ByteBuffer.allocate(1), commit.storeLength() - 1);
            }
            channel.force(true);
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
            channel.truncate(0);
            channel.force(true);
        }
        LOG.info(
                "Completed the commit the broker was writing to {} when it stopped ({} page(s) from {}).",
                store.getFileName(),
                commit.pages().size(),
                path.getFileName());
    }

    /** The commit a redo file holds, or null when it is incomplete. */
    static Commit decode(byte[] bytes) {
        if (bytes.length < HEADER + 4) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getLong() != MAGIC) {
            return null;
        }
        long length = in.getLong();
        int count = in.getInt();
        long end = HEADER + (long) count * (8 + PAGE);
        if (count < 0 || length < 0 || end + 4 != bytes.length) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, (int) end);
        if ((int) crc.getValue() != ByteBuffer.wrap(bytes, (int) end, 4).getInt()) {
            return null;
        }
        SortedMap<Long, byte[]> pages = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            long offset = in.getLong();
            byte[] page = new byte[PAGE];
            in.get(page);
            pages.put(offset, page);
        }
        return new Commit(length, pages);
    }

    private static int writeFully(FileChannel channel, ByteBuffer data, long position) throws IOException {
        int written = 0;
        while (data.hasRemaining()) {
            written += channel.write(data, position + written);
        }
        return written;
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync a directory; the file's own fsync still holds its content.
            LOG.debug("Could not sync directory {}", directory, e);
        }
    }
}
