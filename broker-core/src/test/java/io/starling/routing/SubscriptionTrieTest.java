package io.starling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SubscriptionTrieTest {

    private final SubscriptionTrie<String> trie = new SubscriptionTrie<>();

    private TreeSet<String> match(String topic) {
        TreeSet<String> found = new TreeSet<>();
        trie.match(topic, (subscriber, qos) -> found.add(subscriber));
        return found;
    }

    @Test
    void matchesPerTheSpecification() {
        String[] filters = {
            "sport/tennis/player1",
            "sport/tennis/player1/#",
            "sport/#",
            "#",
            "sport/+",
            "+/+",
            "/+",
            "+",
            "sport/+/player1",
            "+/tennis/#",
            "$SYS/#",
            "$SYS/+",
            "+/monitor"
        };
        for (String filter : filters) {
            trie.subscribe(filter, filter, 0);
        }
        assertEquals(
                new TreeSet<>(List.of(
                        "sport/tennis/player1",
                        "sport/tennis/player1/#",
                        "sport/#",
                        "#",
                        "sport/+/player1",
                        "+/tennis/#")),
                match("sport/tennis/player1"));
        assertEquals(new TreeSet<>(List.of("sport/#", "#", "+")), match("sport"));
        assertEquals(new TreeSet<>(List.of("sport/#", "#", "sport/+", "+/+")), match("sport/"));
        assertEquals(new TreeSet<>(List.of("#", "+/+", "/+")), match("/finance"));
        assertEquals(new TreeSet<>(List.of("$SYS/#", "$SYS/+")), match("$SYS/monitor"));
        assertEquals(
                new TreeSet<>(List.of("sport/tennis/player1/#", "sport/#", "#", "+/tennis/#")),
                match("sport/tennis/player1/ranking"));
    }

    @Test
    void wildcardsAtTheFirstLevelDoNotMatchDollarTopics() {
        trie.subscribe("#", "all", 0);
        trie.subscribe("+/info", "plus", 0);
        assertTrue(match("$SYS/info").isEmpty());
        assertEquals(new TreeSet<>(List.of("all", "plus")), match("x/info"));
    }

    @Test
    void levelsWithEqualHashesOrPrefixesAreToldApart() {
        // "Aa" and "BB" have the same String hash: matching compares the level itself, not the hash.
        assertEquals("Aa".hashCode(), "BB".hashCode());
        for (String filter : new String[] {"x/Aa/y", "x/BB/y", "x/A/y", "x/Aab/y", "x//y"}) {
            trie.subscribe(filter, filter, 0);
        }
        assertEquals(new TreeSet<>(List.of("x/Aa/y")), match("x/Aa/y"));
        assertEquals(new TreeSet<>(List.of("x/BB/y")), match("x/BB/y"));
        assertEquals(new TreeSet<>(List.of("x//y")), match("x//y"));
        assertTrue(match("x/Aa").isEmpty());
        assertTrue(match("x/B/y").isEmpty());
    }

    @Test
    void resubscribingReplacesTheQos() {
        assertTrue(trie.subscribe("a/b", "s", 0));
        assertFalse(trie.subscribe("a/b", "s", 2));
        Map<String, Integer> granted = new HashMap<>();
        trie.match("a/b", granted::put);
        assertEquals(Map.of("s", 2), granted);
    }

    @Test
    void overlappingSubscriptionsAreAllVisited() {
        trie.subscribe("a/+", "s", 0);
        trie.subscribe("a/#", "s", 2);
        List<Integer> qos = new ArrayList<>();
        trie.match("a/b", (subscriber, q) -> qos.add(q));
        qos.sort(null);
        assertEquals(List.of(0, 2), qos);
    }

    @Test
    void unsubscribingPrunesEmptyNodes() {
        trie.subscribe("a/b/c", "s", 1);
        trie.subscribe("a/b/c", "t", 1);
        assertFalse(trie.unsubscribe("a/b/c", "s"));
        assertTrue(trie.unsubscribe("a/b/c", "t"));
        assertFalse(trie.unsubscribe("a/b/c", "t"));
        assertTrue(trie.isEmpty());
        assertTrue(match("a/b/c").isEmpty());
    }

    @Test
    void concurrentSubscribeAndUnsubscribeNeverLoseASubscription() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String me = "keeper-" + t;
                String churner = "churn-" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 20_000; i++) {
                        String filter = "x/" + (i % 7) + "/y";
                        trie.subscribe(filter, churner, 0);
                        trie.unsubscribe(filter, churner);
                    }
                    trie.subscribe("x/3/y", me, 1);
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(new TreeSet<>(List.of("keeper-0", "keeper-1", "keeper-2", "keeper-3")), match("x/3/y"));
    }

    @Test
    void childTablesGrowShrinkAndReuseFreedSlots() {
        // Enough literal children under one level to grow the child table many times, then
        // removals down to a few (the table shrinks, leaving tombstones behind), then re-adds.
        int devices = 5_000;
        for (int i = 0; i < devices; i++) {
            trie.subscribe("devices/" + i + "/telemetry", "d" + i, 0);
        }
        for (int i = 0; i < devices; i++) {
            if (i % 1000 != 7) {
                assertTrue(trie.unsubscribe("devices/" + i + "/telemetry", "d" + i));
            }
        }
        for (int i = 0; i < devices; i++) {
            assertEquals(
                    i % 1000 == 7 ? new TreeSet<>(List.of("d" + i)) : new TreeSet<String>(),
                    match("devices/" + i + "/telemetry"),
                    "device " + i);
        }
        for (int i = 0; i < devices; i += 2) {
            trie.subscribe("devices/" + i + "/telemetry", "again" + i, 1);
        }
        for (int i = 0; i < devices; i += 2) {
            assertTrue(match("devices/" + i + "/telemetry").contains("again" + i), "device " + i);
        }
        for (int i = 0; i < devices; i++) {
            trie.unsubscribe("devices/" + i + "/telemetry", "d" + i);
            trie.unsubscribe("devices/" + i + "/telemetry", "again" + i);
        }
        assertTrue(trie.isEmpty());
    }

    @Test
    void aFilterWithManySubscribersKeepsEveryOneAndTheirQos() {
        // Past a few subscribers a filter's subscribers move from an array to a map.
        int subscribers = 50;
        for (int i = 0; i < subscribers; i++) {
            assertEquals(i == 0, trie.subscribe("broadcast/all", "s" + i, i % 3));
        }
        assertFalse(trie.subscribe("broadcast/all", "s7", 0));
        Map<String, Integer> granted = new HashMap<>();
        trie.match("broadcast/all", (subscriber, qos) -> assertEquals(null, granted.put(subscriber, qos)));
        assertEquals(subscribers, granted.size());
        assertEquals(0, granted.get("s7"));
        assertEquals(2, granted.get("s8"));
        for (int i = 0; i < subscribers; i++) {
            assertEquals(i == subscribers - 1, trie.unsubscribe("broadcast/all", "s" + i));
        }
        assertTrue(trie.isEmpty());
    }

    @Test
    void aFilterWithAFewSubscribersKeepsTheOthersWhenOneLeaves() {
        for (String subscriber : List.of("a", "b", "c")) {
            trie.subscribe("x/y", subscriber, 1);
        }
        assertFalse(trie.unsubscribe("x/y", "b"));
        assertFalse(trie.unsubscribe("x/y", "b"));
        assertEquals(new TreeSet<>(List.of("a", "c")), match("x/y"));
    }

    @Test
    void matchingWhileTheChildTableIsRebuiltAlwaysFindsAnUntouchedSubscription() throws Exception {
        trie.subscribe("x/keep/y", "keeper", 1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Siblings come and go in batches: the table under "x" grows, shrinks and fills
            // with tombstones while the other thread looks up "keep" in it.
            Future<?> churn = pool.submit(() -> {
                for (int round = 0; round < 200; round++) {
                    for (int i = 0; i < 100; i++) {
                        trie.subscribe("x/" + round + "-" + i + "/y", "churn", 0);
                    }
                    for (int i = 0; i < 100; i++) {
                        trie.unsubscribe("x/" + round + "-" + i + "/y", "churn");
                    }
                }
            });
            Future<Integer> misses = pool.submit(() -> {
                int missed = 0;
                while (!churn.isDone()) {
                    if (!match("x/keep/y").equals(new TreeSet<>(List.of("keeper")))) {
                        missed++;
                    }
                }
                return missed;
            });
            churn.get();
            assertEquals(0, misses.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void matchingCostDoesNotDependOnNonMatchingSubscriptions() {
        for (int i = 0; i < 100_000; i++) {
            trie.subscribe("devices/" + i + "/telemetry", "d" + i, 0);
        }
        trie.subscribe("devices/+/telemetry", "all", 0);
        int[] visited = {0};
        trie.match("devices/42/telemetry", (s, q) -> visited[0]++);
        assertEquals(2, visited[0]);
    }
}
