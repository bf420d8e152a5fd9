package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static io.starling.storage.mapdb.OpenStore.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.starling.spi.DeliveryTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A store closed cleanly opens without being read whole (the clean-stop mark, with the queue
 * sequence); one that was not (here: closed without the writer, as after kill -9) is verified
 * entry by entry. Either way the queue sequence goes on after the highest stored one.
 */
class CleanStopTest {

    private static final String CLIENT = "c";

    @TempDir
    Path directory;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger openerLog = (Logger) LoggerFactory.getLogger(StoreOpener.class);

    @BeforeEach
    void captureLog() {
        log.start();
        openerLog.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        openerLog.detachAppender(log);
    }

    @Test
    void aCleanlyClosedStoreIsNotReadAgainAndContinuesItsSequence() throws Exception {
        try (OpenStore store = OpenStore.open(directory)) {
            append(store, 100, 101, 102);
        }
        try (OpenStore store = OpenStore.open(directory)) {
            assertEquals("closed cleanly, not read again", lastOpening());
            // A lower message id appended later: only the sequence puts it last.
            append(store, 50);
            assertEquals(List.of(100L, 101L, 102L, 50L), entries(store));
        }
    }

    @Test
    void aStoreNotClosedCleanlyIsVerifiedAndContinuesItsSequence() throws Exception {
        try (OpenStore store = OpenStore.open(directory)) {
            append(store, 100, 101, 102);
        }
        // Opened (taking the mark) and left without the writer's last commit: as a kill -9 leaves it.
        StoreTables crashed = StoreOpener.open(settings());
        crashed.db.close();
        try (OpenStore store = OpenStore.open(directory)) {
            assertEquals("not closed cleanly or new, every entry verified", lastOpening());
            append(store, 50);
            assertEquals(List.of(100L, 101L, 102L, 50L), entries(store));
        }
        try (OpenStore store = OpenStore.open(directory)) {
            assertEquals("closed cleanly, not read again", lastOpening());
            append(store, 40);
            assertEquals(List.of(100L, 101L, 102L, 50L, 40L), entries(store));
        }
    }

    private MapDbSettings settings() {
        return new MapDbSettings(directory, Durability.ALWAYS, Duration.ofMillis(50), 0, 0, 0);
    }

    private static void append(OpenStore store, long... ids) throws Exception {
        for (long id : ids) {
            await(store.queues.append(message(id, "t", "m" + id), List.of(new DeliveryTarget(CLIENT, 1)), null));
        }
    }

    /** The client's queue in sequence order (the order entries were appended in). */
    private static List<Long> entries(OpenStore store) {
        return store.writer.read(tables -> tables.entries(CLIENT)).stream()
                .map(queued -> queued.message().id())
                .toList();
    }

    /** How the last store opened says it was checked. */
    private String lastOpening() {
        String line = log.list.get(log.list.size() - 1).getFormattedMessage();
        assertTrue(line.startsWith("Opened MapDB store"), line);
        return line.substring(line.lastIndexOf("; ") + 2, line.length() - 2);
    }
}
