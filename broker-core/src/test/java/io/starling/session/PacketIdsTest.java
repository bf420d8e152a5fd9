package io.starling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PacketIdsTest {

    @Test
    void idsFollowEachOtherWrapAfter65535AndSkipThoseInUse() {
        PacketIds ids = new PacketIds(null);
        int first = ids.next(id -> false);
        Set<Integer> inUse = new HashSet<>();
        inUse.add(first);
        int expected = first;
        for (int i = 1; i < 65535; i++) {
            expected = expected == 65535 ? 1 : expected + 1;
            int id = ids.next(inUse::contains);
            assertEquals(expected, id);
            inUse.add(id);
        }
        assertEquals(65535, inUse.size(), "every id 1..65535 handed out once");
        assertTrue(inUse.stream().allMatch(id -> id >= 1 && id <= 65535));
        assertThrows(IllegalStateException.class, () -> ids.next(inUse::contains), "none left");
        inUse.remove(first);
        assertEquals(first, ids.next(inUse::contains), "a freed id is found again");
    }

    @Test
    void sessionsStartAtDifferentIds() {
        // A session continued elsewhere must not start where the lost node's copy started (see PacketIds).
        long starts = IntStream.range(0, 100)
                .map(i -> new PacketIds(null).next(id -> false))
                .distinct()
                .count();
        assertTrue(starts > 50, "100 sessions began at " + starts + " different ids");
    }

    @Test
    void leasedIdsAreUsedOnlyUpToTheLeaseWhichIsRenewedHalfALeaseAhead() {
        List<Long> asked = new ArrayList<>();
        PacketIds ids = new PacketIds(asked::add);
        ids.resumeAt(100_000);
        assertFalse(ids.available(), "nothing is leased yet");
        assertEquals(List.of(100_000L + PacketIds.LEASE), asked, "one renewal asked");
        assertFalse(ids.available());
        assertEquals(1, asked.size(), "not asked twice while it is on its way");
        ids.leased(100_000L + PacketIds.LEASE);
        assertEquals(1 + 100_000 % 65535, ids.next(id -> false), "the first id is at the position resumed from");
        for (int i = 1; i <= PacketIds.LEASE / 2; i++) {
            ids.next(id -> false);
        }
        assertEquals(2, asked.size(), "renewed once half the lease is used");
        for (int i = PacketIds.LEASE / 2 + 1; i < PacketIds.LEASE; i++) {
            assertTrue(ids.next(id -> false) > 0);
        }
        assertEquals(0, ids.next(id -> false), "no id past the lease while the renewal is on its way");
        assertEquals(
                100_000L + PacketIds.LEASE,
                ids.resumePoint(),
                "a node continuing the session starts past every used id");
        ids.leased(asked.get(1));
        assertTrue(ids.available());
        assertEquals(asked.get(1), ids.resumePoint(), "the lease bounds what this node may have used");
    }

    @Test
    void aFailedRenewalIsAskedAgain() {
        List<Long> asked = new ArrayList<>();
        PacketIds ids = new PacketIds(asked::add);
        assertFalse(ids.available());
        ids.renewalFailed();
        assertFalse(ids.available());
        assertEquals(2, asked.size());
    }
}
