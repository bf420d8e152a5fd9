package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.starling.spi.SessionRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/** A store that cannot be trusted stops start-up with a message naming the file and the way out; it is never changed. */
class StoreOpeningTest {

    @TempDir
    Path directory;

    private Path file() {
        return directory.resolve(MapDbSettings.FILE_NAME);
    }

    @Test
    void aStoreFromANewerFormatIsRefused() throws Exception {
        try (OpenStore store = OpenStore.open(directory)) {
            store.writer.read(tables -> tables.meta.put(StoreTables.FORMAT_KEY, StoreTables.FORMAT + 1));
            await(store.sessions.save(new SessionRecord("c", Map.of())));
        }
        assertRefusedUntouched("was written by a newer Starling (store format " + (StoreTables.FORMAT + 1));
    }

    @Test
    void aCorruptHeaderIsRefused() throws Exception {
        try (OpenStore store = OpenStore.open(directory)) {
            await(store.sessions.save(new SessionRecord("c", Map.of("t", 1))));
        }
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.seek(20);
            raf.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
        assertRefusedUntouched("is corrupt or not a MapDB store");
    }

    @Test
    void aFileThatIsNotAMapDbStoreIsRefused() throws Exception {
        byte[] garbage = new byte[64 * 1024];
        new Random(1).nextBytes(garbage);
        Files.write(file(), garbage);
        assertRefusedUntouched("is corrupt or not a MapDB store");
    }

    @Test
    void aMapDbStoreOfSomethingElseIsRefused() throws Exception {
        try (DB other = DBMaker.fileDB(file().toFile()).transactionEnable().make()) {
            other.treeMap("things", Serializer.STRING, Serializer.STRING)
                    .createOrOpen()
                    .put("a", "b");
            other.commit();
        }
        assertRefusedUntouched("not one written by Starling");
    }

    @Test
    void anUnusableDirectoryIsRefused() throws Exception {
        Path notADirectory = directory.resolve("plain-file");
        Files.writeString(notADirectory, "x");
        StoreUnavailableException refused = assertThrows(
                StoreUnavailableException.class,
                () -> OpenStore.open(notADirectory).close());
        assertTrue(refused.getMessage().contains("cannot be read or written"), refused.getMessage());
    }

    @Test
    void badSettingsNameTheKey() {
        ConfigException bad = assertThrows(
                ConfigException.class,
                () -> MapDbSettings.from(ConfigFactory.parseString("starling.storage.mapdb.durability = sometimes")
                        .withFallback(reference())));
        assertTrue(bad.getMessage().contains("starling.storage.mapdb.durability"), bad.getMessage());
    }

    @Test
    void theReferenceSettingsAreTheDocumentedDefaults() {
        MapDbSettings defaults = MapDbSettings.from(reference());
        assertEquals(Path.of("data", MapDbSettings.FILE_NAME), defaults.file());
        assertEquals(Durability.ALWAYS, defaults.durability());
        assertEquals(0, defaults.maxSize());
    }

    private static com.typesafe.config.Config reference() {
        return ConfigFactory.defaultReference();
    }

    private void assertRefusedUntouched(String reason) throws IOException {
        byte[] before = Files.readAllBytes(file());
        StoreUnavailableException refused = assertThrows(
                StoreUnavailableException.class, () -> OpenStore.open(directory).close());
        String message = refused.getMessage();
        assertTrue(message.contains(reason), message);
        assertTrue(message.contains(file().toAbsolutePath().toString()), message);
        assertTrue(message.contains("move starling.mapdb, starling.mapdb.redo and starling.mapdb.wal.*"), message);
        assertArrayEquals(before, Files.readAllBytes(file()), "the refused store was changed");
    }
}
