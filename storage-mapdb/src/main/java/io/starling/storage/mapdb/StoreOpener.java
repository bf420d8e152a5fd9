package io.starling.storage.mapdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.mapdb.CC;
import org.mapdb.DB;
import org.mapdb.DBException;
import org.mapdb.Serializer;
import org.mapdb.StoreWAL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the store file, creating it with the current format when it does not exist, and
 * refuses to start on a store it cannot trust: corrupt, written by a newer format, not a
 * Starling store, unreadable or in use. It never deletes or rewrites such a store; the
 * message says which file and how to get going again.
 */
final class StoreOpener {

    private static final Logger LOG = LoggerFactory.getLogger(StoreOpener.class);

    private StoreOpener() {}

    static StoreTables open(MapDbSettings settings) {
        return open(settings, () -> {});
    }

    /** With a hook called after each write to the store file or its redo log (tests simulate crashes there). */
    static StoreTables open(MapDbSettings settings, RedoLogVolume.WriteHook hook) {
        Path file = settings.file().toAbsolutePath();
        DB db = null;
        try {
            Files.createDirectories(file.getParent());
            RedoLog.recover(file);
            db = openDb(file, hook, settings.durability() != Durability.NONE);
            StoreTables tables = checkFormat(db, file);
            Long cleanStop = tables.takeCleanStop();
            if (cleanStop != null) {
                StoreVerifier.verifyFreeSpaceLists(tables);
                tables.continueSequenceAfter(cleanStop);
                // Durable before any other write: a crash from here on is verified in full at the next start.
                db.commit();
            } else {
                tables.continueSequenceAfter(StoreVerifier.verify(tables));
            }
            if (tables.meta.get(StoreTables.FORMAT_KEY) < StoreTables.FORMAT) {
                StoreMigration.migrate(tables);
            }
            LOG.info(
                    "Opened MapDB store {} (format {}, durability {}; {}).",
                    file,
                    StoreTables.FORMAT,
                    settings.durability().name().toLowerCase(Locale.ROOT),
                    cleanStop != null
                            ? "closed cleanly, not read again"
                            : "not closed cleanly or new, every entry verified");
            return tables;
        } catch (IOException | RuntimeException e) {
            closeQuietly(db);
            throw explain(file, e);
        }
    }

    private static StoreUnavailableException explain(Path file, Exception e) {
        if (e instanceof StoreUnavailableException refusal) {
            return refusal;
        }
        if (e instanceof DBException.FileLocked) {
            return refused(file, "is in use by another process (is another broker running on the same directory?)", e);
        }
        if (e instanceof IOException || e instanceof DBException.VolumeIOError) {
            return refused(file, "cannot be read or written (" + Causes.rootMessage(e) + ")", e);
        }
        // MapDB reports damaged files with a variety of exceptions (broken header checksum,
        // wrong format, data corruption, end of file in the middle of a record).
        return refused(file, "is corrupt or not a MapDB store (" + Causes.rootMessage(e) + ")", e);
    }

    /**
     * What {@code DBMaker.fileDB(file).transactionEnable().fileChannelEnable().concurrencyDisable()}
     * builds (StoreWAL: changes stay in memory and in scratch files until commit, so rollback
     * works), except that the store file goes through a {@link RedoLogVolume}: MapDB 3.1.0's own
     * WAL is never replayed and its commit is not atomic under kill -9 (its scratch volumes are in
     * memory unless {@code scratchInMemory} is false, see {@link RedoLogVolume#factory}). Plain file channels,
     * not memory-mapped, because a full disk under a mapped file kills the JVM with SIGBUS, while
     * a channel write fails with an IOException the writer can survive. Single-threaded: only
     * the writer thread touches it. MapDB 3 has no instance cache: {@link NodeCachingStore} adds
     * one for BTree nodes.
     */
    private static DB openDb(Path file, RedoLogVolume.WriteHook hook, boolean scratchInMemory) {
        boolean existed = Files.exists(file);
        StoreWAL store = StoreWAL.make(
                file.toString(),
                RedoLogVolume.factory(file, hook, scratchInMemory),
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
        return new DB(new NodeCachingStore(store), existed, false, DB.class.getClassLoader(), 0);
    }

    private static StoreTables checkFormat(DB db, Path file) {
        if (!db.getAllNames().iterator().hasNext()) {
            StoreTables tables = new StoreTables(db);
            tables.meta.put(StoreTables.FORMAT_KEY, StoreTables.FORMAT);
            db.commit();
            return tables;
        }
        Integer format = db.exists(StoreTables.META)
                ? db.treeMap(StoreTables.META, Serializer.STRING, Serializer.INTEGER)
                        .open()
                        .get(StoreTables.FORMAT_KEY)
                : null;
        if (format == null) {
            throw refused(file, "is a MapDB store but not one written by Starling (no format version)", null);
        }
        if (format > StoreTables.FORMAT) {
            throw refused(
                    file,
                    "was written by a newer Starling (store format " + format + "; this version reads " + "format "
                            + StoreTables.FORMAT + "); run that version again",
                    null);
        }
        return new StoreTables(db);
    }

    private static StoreUnavailableException refused(Path file, String reason, Throwable cause) {
        return new StoreUnavailableException(
                "MapDB store " + file + " " + reason + ". Starling leaves the files "
                        + "as they are. To start with an empty store, stop the broker and move " + file.getFileName()
                        + ", " + file.getFileName() + ".redo and "
                        + file.getFileName() + ".wal.* out of " + file.getParent()
                        + " (keep them to examine or to put back), or restore them from a backup. See docs/STORAGE.md, "
                        + "\"When the store cannot be opened\".",
                cause);
    }

    private static void closeQuietly(DB db) {
        if (db != null) {
            try {
                db.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing the refused store failed", e);
            }
        }
    }
}
