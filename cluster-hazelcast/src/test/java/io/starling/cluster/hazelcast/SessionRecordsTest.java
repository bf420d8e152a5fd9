package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.starling.spi.SessionExpiry;
import io.starling.spi.SubscriptionOptions;
import java.util.AbstractMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SessionRecordsTest {

    @Test
    void aRecordKeepsItsNodeLeaseAndSubscriptions() {
        SessionRecords.Value value = new SessionRecords.Value("node-a", 70_000, Map.of("a/+", 1, "b/#", 2));
        assertEquals(value, SessionRecords.Value.parse(value.format()));
    }

    @Test
    void mqtt5SubscriptionOptionsAreKeptAndARecordWrittenBeforeThemReadsTheSame() {
        int options = SubscriptionOptions.of(1, true, true);
        int identified = SubscriptionOptions.of(2, false, true, SubscriptionOptions.MAX_IDENTIFIER);
        SessionRecords.Value value = new SessionRecords.Value(
                "node-a",
                0,
                Map.of("a/+", options, "b", 2, "~c", SubscriptionOptions.of(0, false, false, 17), "d", identified));
        assertEquals(value, SessionRecords.Value.parse(value.format()));
        assertEquals(
                new SessionRecords.Value("node-a", 7, Map.of("a/+", 1, "b/#", 2)),
                SessionRecords.Value.parse("node-a\u0000L7\u00001a/+\u00002b/#"));
    }

    @Test
    void aLeaseOnlyGrowsAndASaveKeepsIt() {
        Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("c1", null);
        SessionRecords.Change.lease(5_000).process(entry);
        assertNull(entry.getValue(), "no record, no lease");
        SessionRecords.Change.save("node-a", Map.of("t/#", 1), SessionExpiry.NEVER)
                .process(entry);
        SessionRecords.Change.lease(5_000).process(entry);
        SessionRecords.Change.lease(4_000).process(entry);
        assertEquals(5_000, SessionRecords.Value.parse(entry.getValue()).leasedTo());
        // The node the session moved to writes its record; the lease the old node held stays.
        SessionRecords.Change.save("node-b", Map.of("t/#", 1), SessionExpiry.NEVER)
                .process(entry);
        assertEquals(
                new SessionRecords.Value("node-b", 5_000, Map.of("t/#", 1)),
                SessionRecords.Value.parse(entry.getValue()));
        // A late delete from the old node leaves the new node's record alone.
        SessionRecords.Change.delete("node-a").process(entry);
        assertEquals("node-b", SessionRecords.Value.parse(entry.getValue()).node());
        SessionRecords.Change.delete("node-b").process(entry);
        assertNull(entry.getValue());
    }

    @Test
    void theSessionExpiryIsKeptBySaveAndChangedByItsNodeOnly() {
        SessionExpiry offline = new SessionExpiry(30, 1_700_000_000_000L);
        SessionRecords.Value value =
                new SessionRecords.Value("node-a", 9, Map.of("t", SubscriptionOptions.of(1, false, false, 5)), offline);
        assertEquals(value, SessionRecords.Value.parse(value.format()));

        Map.Entry<String, String> entry = new AbstractMap.SimpleEntry<>("c1", null);
        SessionRecords.Change.save("node-a", Map.of("t", 1), SessionExpiry.online(30))
                .process(entry);
        SessionRecords.Change.subscribe("node-a", "u", 2).process(entry);
        SessionRecords.Change.lease(4_096).process(entry);
        assertEquals(
                SessionExpiry.online(30),
                SessionRecords.Value.parse(entry.getValue()).expiry());
        SessionRecords.Change.expiry("node-b", SessionExpiry.NEVER).process(entry);
        SessionRecords.Change.expiry("node-a", offline).process(entry);
        assertEquals(
                new SessionRecords.Value("node-a", 4_096, Map.of("t", 1, "u", 2), offline),
                SessionRecords.Value.parse(entry.getValue()));
        SessionRecords.Change.expiry("node-a", SessionExpiry.NEVER).process(entry);
        assertEquals(
                new SessionRecords.Value("node-a", 4_096, Map.of("t", 1, "u", 2)),
                SessionRecords.Value.parse(entry.getValue()));
    }
}
