package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.StoredMessage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.CC;
import org.mapdb.DB;
import org.mapdb.DataInput2;
import org.mapdb.StoreWAL;
import org.mapdb.volume.FileChannelVol;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;

/**
 * A kill -9 in the middle of a commit, made deterministic: while a workload commits, the store
 * directory is copied after chosen single file writes, as a SIGKILL at that instant would leave
 * it (writes already made are in the page cache, later ones never happen). Each copy is then
 * opened as the broker would open it after the crash.
 *
 * <p>MapDB 3.1.0 alone (its StoreWAL as DBMaker builds it) leaves stores that open and read
 * fine but whose free-space lists are torn, so every later allocation fails ("Broken bit
 * parity"): the failure CrashRecoveryIT hit once. Starling's store (StoreWAL on a
 * {@link RedoLogVolume}) opens every copy as the last completed commit and stays writable.
 */
class TornCommitTest {

    private static final int COMMITS = 20;
    private static final String CLIENT = "torn";

    @TempDir
    Path directory;

    private final Random random = new Random(42);
    private final List<Set<Long>> committed = new ArrayList<>();
    private final List<Path> snapshots = new ArrayList<>();
    private final List<Integer> snapshotCommits = new ArrayList<>();
    private int writes;
    private int commitInProgress;

    @Test
    void everyCrashPointOfStarlingsStoreOpensAsACompletedCommitAndStaysWritable() throws Exception {
        Path live = Files.createDirectories(directory.resolve("live"));
        MapDbSettings settings = settings(live);
        StoreTables tables = StoreOpener.open(settings, () -> snapshot(live, 5));
        runWorkload(tables);
        tables.db.close();
        assertTrue(snapshots.size() > 50, "crash points taken: " + snapshots.size());

        for (int i = 0; i < snapshots.size(); i++) {
            Path copy = snapshots.get(i);
            int during = snapshotCommits.get(i);
            StoreTables reopened;
            try {
                reopened = StoreOpener.open(settings(copy));
            } catch (StoreUnavailableException e) {
                throw new AssertionError(
                        "crash point " + i + " (commit " + during + ") left a store that cannot be opened", e);
            }
            try {
                Set<Long> found = queuedIds(reopened);
                if (!found.equals(committed.get(during - 1)) && !found.equals(committed.get(during))) {
                    fail("crash point " + i + " during commit " + during + ": found " + found.size()
                            + " queued messages, neither the commit before nor this one");
                }
                writeMore(reopened, found);
            } finally {
                reopened.db.close();
            }
            StoreTables again = StoreOpener.open(settings(copy));
            again.db.close();
        }
    }

    @Test
    void mapDbsOwnCommitIsTornByACrashAndStartUpRefusesTheTornStore() throws Exception {
        Path live = Files.createDirectories(directory.resolve("plain"));
        StoreTables tables =
                new StoreTables(plainMapDb(live.resolve(MapDbSettings.FILE_NAME), () -> snapshot(live, 4)));
        tables.meta.put(StoreTables.FORMAT_KEY, StoreTables.FORMAT);
        tables.db.commit();
        runWorkload(tables);
        tables.db.close();

        int refused = 0;
        for (int i = 0; i < snapshots.size(); i++) {
            StoreTables reopened;
            try {
                reopened = StoreOpener.open(settings(snapshots.get(i)));
            } catch (StoreUnavailableException e) {
                assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
                refused++;
                continue;
            }
            // What start-up accepts must stay writable: never the silently unwritable store.
            try {
                writeMore(reopened, queuedIds(reopened));
            } catch (RuntimeException e) {
                throw new AssertionError("crash point " + i + " opened but cannot be written", e);
            } finally {
                reopened.db.close();
            }
        }
        assertTrue(
                refused > 0,
                "MapDB 3.1.0's commit was expected to tear at some of the " + snapshots.size()
                        + " crash points; if no longer, MapDB's commit may have become crash-safe");
    }

    private static MapDbSettings settings(Path dir) {
        return new MapDbSettings(dir, Durability.ALWAYS, Duration.ofMillis(50), 0, 0, 0);
    }

    /** Commits that add and remove queued messages of many sizes (so free-space lists fill and empty). */
    private void runWorkload(StoreTables tables) {
        Set<Long> queued = new TreeSet<>();
        committed.add(Set.copyOf(queued));
        long nextId = 1;
        for (int commit = 1; commit <= COMMITS; commit++) {
            int adds = 1 + random.nextInt(20);
            for (int i = 0; i < adds; i++) {
                long id = nextId++;
                tables.enqueue(message(id, 1 + random.nextInt(3000)), new DeliveryTarget(CLIENT, 1), 0);
                queued.add(id);
            }
            List<Long> present = new ArrayList<>(queued);
            int removes = random.nextInt(present.size() + 1);
            for (int i = 0; i < removes; i++) {
                long id = present.get(random.nextInt(present.size()));
                if (queued.remove(id)) {
                    tables.dequeue(CLIENT, id);
                }
            }
            commitInProgress = commit;
            tables.db.commit();
            commitInProgress = 0;
            committed.add(Set.copyOf(queued));
        }
    }

    /** After the crash: the store takes more adds and removes, commits, and still holds what it should. */
    private static void writeMore(StoreTables tables, Set<Long> present) {
        for (long id = 1_000_000; id < 1_000_050; id++) {
            tables.enqueue(message(id, (int) (id % 2000) + 1), new DeliveryTarget(CLIENT, 2), 0);
        }
        for (long id : present) {
            tables.dequeue(CLIENT, id);
        }
        tables.db.commit();
        assertEquals(50, queuedIds(tables).size());
    }

    private static Set<Long> queuedIds(StoreTables tables) {
        return tables.clientEntries(CLIENT).keySet().stream()
                .map(key -> (Long) key[1])
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static StoredMessage message(long id, int size) {
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'x');
        return new StoredMessage(id, "t/" + id, 1, false, payload, 1_700_000_000_000L + id);
    }

    /** Copies the store directory as a crash after this write would leave it (only writes made during a commit). */
    private void snapshot(Path live, int every) {
        if (commitInProgress == 0 || writes++ % every != 0) {
            return;
        }
        Path copy = directory.resolve("crash-" + snapshots.size());
        try (Stream<Path> files = Files.list(live)) {
            Files.createDirectories(copy);
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        snapshots.add(copy);
        snapshotCommits.add(commitInProgress);
    }

    /** The store as DBMaker.fileDB(file).transactionEnable().fileChannelEnable().concurrencyDisable() builds it. */
    private static DB plainMapDb(Path file, Runnable afterWrite) {
        VolumeFactory factory = new VolumeFactory() {
            @Override
            public Volume makeVolume(
                    String name,
                    boolean readOnly,
                    long fileLockWait,
                    int sliceShift,
                    long initSize,
                    boolean fixedSize) {
                Volume plain = FileChannelVol.FACTORY.makeVolume(
                        name, readOnly, fileLockWait, sliceShift, initSize, fixedSize);
                return name.equals(file.toString()) ? new HookedVolume(plain, afterWrite) : plain;
            }

            @Override
            public boolean exists(String name) {
                return FileChannelVol.FACTORY.exists(name);
            }

            @Override
            public boolean handlesReadonly() {
                return false;
            }
        };
        boolean existed = Files.exists(file);
        StoreWAL store = StoreWAL.make(
                file.toString(),
                factory,
                0L,
                false,
                CC.STORE_DIRECT_CONC_SHIFT,
                CC.PAGE_SIZE,
                0L,
                false,
                false,
                false,
                true,
                false);
        return new DB(store, existed, false, DB.class.getClassLoader(), 0);
    }

    /** A file volume that reports each write, so a crash can be simulated right after it. */
    private static final class HookedVolume extends Volume {
        private final Volume file;
        private final Runnable afterWrite;

        HookedVolume(Volume file, Runnable afterWrite) {
            this.file = file;
            this.afterWrite = afterWrite;
        }

        @Override
        public void ensureAvailable(long offset) {
            file.ensureAvailable(offset);
        }

        @Override
        public void truncate(long size) {
            file.truncate(size);
        }

        @Override
        public void putLong(long offset, long value) {
            file.putLong(offset, value);
            afterWrite.run();
        }

        @Override
        public void putInt(long offset, int value) {
            file.putInt(offset, value);
            afterWrite.run();
        }

        @Override
        public void putByte(long offset, byte value) {
            file.putByte(offset, value);
            afterWrite.run();
        }

        @Override
        public void putData(long offset, byte[] src, int srcPos, int size) {
            file.putData(offset, src, srcPos, size);
            afterWrite.run();
        }

        @Override
        public void putData(long offset, ByteBuffer buf) {
            file.putData(offset, buf);
            afterWrite.run();
        }

        @Override
        public long getLong(long offset) {
            return file.getLong(offset);
        }

        @Override
        public int getInt(long offset) {
            return file.getInt(offset);
        }

        @Override
        public byte getByte(long offset) {
            return file.getByte(offset);
        }

        @Override
        public DataInput2 getDataInput(long offset, int size) {
            return file.getDataInput(offset, size);
        }

        @Override
        public void getData(long offset, byte[] bytes, int bytesPos, int size) {
            file.getData(offset, bytes, bytesPos, size);
        }

        @Override
        public void close() {
            file.close();
        }

        @Override
        public void sync() {
            file.sync();
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
        public long length() {
            return file.length();
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

        @Override
        public void clear(long startOffset, long endOffset) {
            file.clear(startOffset, endOffset);
            afterWrite.run();
        }
    }
}
