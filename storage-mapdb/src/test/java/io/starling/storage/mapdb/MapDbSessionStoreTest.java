package io.starling.storage.mapdb;

import static io.starling.storage.mapdb.OpenStore.await;
import static io.starling.storage.mapdb.OpenStore.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.spi.DelayedWill;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.SessionExpiry;
import io.starling.spi.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MapDbSessionStoreTest {

    @TempDir
    Path directory;

    private OpenStore store;

    @BeforeEach
    void open() {
        store = OpenStore.open(directory);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void saveCreatesOrReplacesTheRecord() throws Exception {
        await(store.sessions.save(new SessionRecord("c", Map.of("a/#", 1, "b", 2))));
        assertEquals(List.of(new SessionRecord("c", Map.of("a/#", 1, "b", 2))), List.copyOf(store.sessions.loadAll()));

        await(store.sessions.save(new SessionRecord("c", Map.of("x", 0))));
        assertEquals(List.of(new SessionRecord("c", Map.of("x", 0))), List.copyOf(store.sessions.loadAll()));
    }

    @Test
    void delayedWillsAreKeptAcrossAReopenUntilDeleted() throws Exception {
        DelayedWill named = new DelayedWill("c", "user", message(0, "will/c", "gone"), 1_700_000_060_000L);
        DelayedWill anonymous = new DelayedWill("d", null, message(0, "will/d", "gone too"), 1_700_000_090_000L);
        await(store.sessions.saveWill(named));
        await(store.sessions.saveWill(anonymous));
        await(store.sessions.deleteWill("d"));
        store.close();
        store = OpenStore.open(directory);
        DelayedWill loaded = List.copyOf(store.sessions.loadWills()).get(0);
        assertEquals(1, store.sessions.loadWills().size());
        assertEquals("user", loaded.username());
        assertEquals(named.dueMillis(), loaded.dueMillis());
        assertEquals("will/c", loaded.message().topic());
        assertEquals("gone", new String(loaded.message().payload(), StandardCharsets.UTF_8));
    }

    @Test
    void subscriptionsAreAddedReplacedAndRemoved() throws Exception {
        await(store.sessions.save(new SessionRecord("c", Map.of())));
        await(store.sessions.addSubscription("c", "a/+", 1));
        await(store.sessions.addSubscription("c", "a/+", 2));
        await(store.sessions.addSubscription("c", "b", 0));
        await(store.sessions.removeSubscription("c", "b"));
        assertEquals(List.of(new SessionRecord("c", Map.of("a/+", 2))), List.copyOf(store.sessions.loadAll()));
    }

    @Test
    void aSubscriptionOfAnUnknownSessionCreatesNothing() throws Exception {
        await(store.sessions.addSubscription("ghost", "a", 1));
        assertEquals(List.of(), List.copyOf(store.sessions.loadAll()));
    }

    @Test
    void clientIdsThatArePrefixesOfEachOtherStaySeparate() throws Exception {
        await(store.sessions.save(new SessionRecord("c", Map.of("one", 1))));
        await(store.sessions.save(new SessionRecord("c1", Map.of("two", 1))));
        await(store.sessions.delete("c"));
        assertEquals(List.of(new SessionRecord("c1", Map.of("two", 1))), List.copyOf(store.sessions.loadAll()));
    }

    @Test
    void deleteRemovesTheRecordItsQueueAndItsInboundQos2Ids() throws Exception {
        await(store.sessions.save(new SessionRecord("gone", Map.of("t", 1))));
        await(store.sessions.save(new SessionRecord("stays", Map.of("t", 1))));
        await(store.queues.append(
                message(1, "t", "shared"),
                List.of(new DeliveryTarget("gone", 1), new DeliveryTarget("stays", 1)),
                new InboundQos2Receipt("gone", 9)));
        await(store.queues.append(message(2, "t", "only gone"), List.of(new DeliveryTarget("gone", 1)), null));

        await(store.sessions.delete("gone"));

        assertEquals(List.of(new SessionRecord("stays", Map.of("t", 1))), List.copyOf(store.sessions.loadAll()));
        assertEquals(List.of(), store.queues.load("gone"));
        assertEquals(Set.of(), store.queues.loadInboundQos2("gone"));
        assertEquals(1, store.queues.load("stays").size());
        assertEquals(Set.of(1L), store.writer.read(tables -> Set.copyOf(tables.messages.keySet())));
    }

    @Test
    void theSessionExpiryIsStoredWithTheSessionAndGoesWithIt() throws Exception {
        await(store.sessions.save(new SessionRecord("c", Map.of("t", 1), SessionExpiry.online(60))));
        await(store.sessions.save(new SessionRecord("never", Map.of())));
        await(store.sessions.saveExpiry("c", new SessionExpiry(60, 1_700_000_000_000L)));
        await(store.sessions.saveExpiry("ghost", new SessionExpiry(5, 1L)));
        store.close();
        store = OpenStore.open(directory);

        assertEquals(
                Set.of(
                        new SessionRecord("c", Map.of("t", 1), new SessionExpiry(60, 1_700_000_000_000L)),
                        new SessionRecord("never", Map.of(), SessionExpiry.NEVER)),
                Set.copyOf(store.sessions.loadAll()));

        await(store.sessions.saveExpiry("c", SessionExpiry.NEVER));
        assertEquals(Map.of(), store.writer.read(tables -> Map.copyOf(tables.sessionExpiry)));
        await(store.sessions.saveExpiry("c", SessionExpiry.online(9)));
        await(store.sessions.delete("c"));
        assertEquals(Map.of(), store.writer.read(tables -> Map.copyOf(tables.sessionExpiry)));
    }
}
