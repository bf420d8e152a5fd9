package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The redo log's format and recovery on real files, without MapDB. */
class RedoLogTest {

    private static final int PAGE = RedoLog.PAGE;

    @TempDir
    Path directory;

    private static byte[] page(int fill) {
        byte[] page = new byte[PAGE];
        Arrays.fill(page, (byte) fill);
        return page;
    }

    private static SortedMap<Long, byte[]> pages() {
        SortedMap<Long, byte[]> pages = new TreeMap<>();
        pages.put(0L, page(1));
        pages.put(2L * PAGE, page(3));
        return pages;
    }

    /** Writes one commit of {@link #pages()} for a store of three pages and returns the log's bytes. */
    private byte[] written(Path store, AtomicInteger pieces) throws IOException {
        try (RedoLog log = RedoLog.open(store)) {
            log.write(3L * PAGE, pages(), pieces::incrementAndGet);
        }
        return Files.readAllBytes(RedoLog.fileOf(store));
    }

    @Test
    void aWrittenCommitReadsBackWhole() throws IOException {
        AtomicInteger pieces = new AtomicInteger();
        byte[] bytes = written(directory.resolve("store"), pieces);
        assertEquals(20 + 2 * (8 + PAGE) + 4, bytes.length);
        assertEquals(4, pieces.get(), "header, two pages, CRC and fsync");
        RedoLog.Commit commit = RedoLog.decode(bytes);
        assertNotNull(commit);
        assertEquals(3L * PAGE, commit.storeLength());
        assertEquals(pages().keySet(), commit.pages().keySet());
        assertArrayEquals(page(3), commit.pages().get(2L * PAGE));
    }

    @Test
    void everyTruncatedLogIsIncomplete() throws IOException {
        byte[] bytes = written(directory.resolve("store"), new AtomicInteger());
        for (int length = 0; length < bytes.length; length++) {
            assertNull(RedoLog.decode(Arrays.copyOf(bytes, length)), "cut at " + length);
        }
        assertNull(RedoLog.decode(Arrays.copyOf(bytes, bytes.length + 1)), "one byte too many");
    }

    @Test
    void aChangedByteFailsTheChecksum() throws IOException {
        byte[] bytes = written(directory.resolve("store"), new AtomicInteger());
        for (int at : new int[] {0, 9, 19, 20, 100, bytes.length - 1}) {
            byte[] changed = bytes.clone();
            changed[at] ^= 1;
            assertNull(RedoLog.decode(changed), "byte " + at + " changed");
        }
    }

    @Test
    void recoveryAppliesACompleteLogToTheStoreAndEmptiesIt() throws IOException {
        Path store = directory.resolve("store");
        Files.write(store, page(9));
        written(store, new AtomicInteger());
        RedoLog.recover(store);
        byte[] recovered = Files.readAllBytes(store);
        assertEquals(3 * PAGE, recovered.length);
        assertArrayEquals(page(1), Arrays.copyOfRange(recovered, 0, PAGE));
        assertArrayEquals(new byte[PAGE], Arrays.copyOfRange(recovered, PAGE, 2 * PAGE), "grown to the length");
        assertArrayEquals(page(3), Arrays.copyOfRange(recovered, 2 * PAGE, 3 * PAGE));
        assertEquals(0, Files.size(RedoLog.fileOf(store)));
        RedoLog.recover(store);
        assertArrayEquals(recovered, Files.readAllBytes(store), "a second recovery changes nothing");
    }

    @Test
    void recoverySetsAnIncompleteLogAsideAndLeavesTheStoreAlone() throws IOException {
        Path store = directory.resolve("store");
        byte[] bytes = written(store, new AtomicInteger());
        Files.write(store, page(9));
        Files.write(RedoLog.fileOf(store), Arrays.copyOf(bytes, bytes.length - 1));
        RedoLog.recover(store);
        assertArrayEquals(page(9), Files.readAllBytes(store));
        assertFalse(Files.exists(RedoLog.fileOf(store)));
        assertTrue(Files.exists(directory.resolve("store.redo.incomplete")));
    }

    @Test
    void aClearedLogIsNothingToRecover() throws IOException {
        Path store = directory.resolve("store");
        Files.write(store, page(9));
        try (RedoLog log = RedoLog.open(store)) {
            log.write(PAGE, pages(), () -> {});
            log.clear();
        }
        RedoLog.recover(store);
        assertArrayEquals(page(9), Files.readAllBytes(store));
    }
}
