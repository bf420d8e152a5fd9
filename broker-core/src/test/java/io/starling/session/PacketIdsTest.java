package io.starling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PacketIdsTest {

    @Test
    void idsFollowEachOtherWrapAfter65535AndSkipThoseInUse() {
        PacketIds ids = new PacketIds();
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
        long starts = IntStream.range(0, 100).map(i -> new PacketIds().next(id -> false)).distinct().count();
        assertTrue(starts > 50, "100 sessions began at " + starts + " different ids");
    }
}
