package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.volume.FileChannelVol;
import org.mapdb.volume.Volume;

/**
 * MapDB's view of the store file through the redo log: writes stay in page images until sync,
 * reads see them at once, and sync puts them in the log, then in the file. Real files, no MapDB
 * store on top.
 */
class RedoLogVolumeTest {

    private static final int PAGE = RedoLog.PAGE;

    @TempDir
    Path directory;

    private Path store;
    private Volume file;
    private RedoLogVolume volume;
    private final AtomicInteger writes = new AtomicInteger();

    private RedoLogVolume open() throws IOException {
        store = directory.resolve("store");
        file = FileChannelVol.FACTORY.makeVolume(store.toString(), false);
        volume = new RedoLogVolume(file, RedoLog.open(store), writes::incrementAndGet);
        return volume;
    }

    @AfterEach
    void close() {
        if (volume != null) {
            volume.close();
        }
    }

    @Test
    void writesAreReadBackBeforeTheyReachTheFile() throws IOException {
        RedoLogVolume volume = open();
        volume.ensureAvailable(2L * PAGE);
        volume.putLong(8, 42L);
        // Across a page boundary: four bytes in each page.
        volume.putLong(PAGE - 4, 0x0102030405060708L);
        volume.putByte(PAGE + 10, (byte) 7);
        assertEquals(42L, volume.getLong(8));
        assertEquals(0x0102030405060708L, volume.getLong(PAGE - 4));
        assertEquals(0x05060708, volume.getInt(PAGE));
        assertEquals(7, volume.getByte(PAGE + 10));
        assertEquals(2L * PAGE, volume.length());
        assertEquals(0, Files.size(store), "nothing in the file before sync");
        assertEquals(0, writes.get());
    }

    @Test
    void syncWritesTheLogThenTheFileThenEmptiesTheLog() throws IOException {
        RedoLogVolume volume = open();
        volume.putLong(8, 42L);
        volume.putLong(PAGE + 8, 43L);
        volume.sync();
        // The log: header, two pages, CRC; then the file: two pages.
        assertEquals(4 + 2, writes.get());
        assertEquals(0, Files.size(RedoLog.fileOf(store)));
        byte[] inFile = Files.readAllBytes(store);
        assertTrue(inFile.length >= PAGE + 16);
        assertEquals(42L, ByteBuffer.wrap(inFile, 8, 8).getLong());
        assertEquals(43L, ByteBuffer.wrap(inFile, PAGE + 8, 8).getLong());
        assertEquals(42L, volume.getLong(8), "read back from the cache");
    }

    @Test
    void clearZeroesTheRange() throws IOException {
        RedoLogVolume volume = open();
        byte[] ones = new byte[3 * PAGE];
        Arrays.fill(ones, (byte) 1);
        volume.putData(0, ones, 0, ones.length);
        volume.clear(10, 2L * PAGE + 10);
        byte[] read = new byte[3 * PAGE];
        volume.getData(0, read, 0, read.length);
        byte[] expected = ones.clone();
        Arrays.fill(expected, 10, 2 * PAGE + 10, (byte) 0);
        assertArrayEquals(expected, read);
    }

    @Test
    void writesNotSyncedAreGoneAfterClose() throws IOException {
        RedoLogVolume volume = open();
        volume.putLong(8, 42L);
        volume.sync();
        volume.putLong(8, 99L);
        volume.close();
        this.volume = null;
        RedoLog.recover(store);
        assertEquals(42L, ByteBuffer.wrap(Files.readAllBytes(store), 8, 8).getLong());
    }
}
