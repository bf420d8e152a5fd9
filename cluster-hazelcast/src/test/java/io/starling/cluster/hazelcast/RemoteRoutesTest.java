package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class RemoteRoutesTest {

    private final RemoteRoutes routes = new RemoteRoutes();

    @Test
    void aTopicGoesToEachNodeWithAMatchingFilterOnce() {
        routes.add("n1", "site/+/temp");
        routes.add("n1", "site/#");
        routes.add("n2", "site/7/temp");
        routes.add("n3", "other/#");
        routes.add("n3", "#");

        assertEquals(Set.of("n1", "n2", "n3"), routes.match("site/7/temp"));
        assertEquals(Set.of("n1", "n3"), routes.match("site/8/temp"));
        assertEquals(Set.of(), routes.match("$SYS/broker"), "a wildcard first level does not match $ topics");
    }

    @Test
    void removingARouteOrANodeLeavesTheOthers() {
        routes.add("n1", "a/b");
        routes.add("n2", "a/b");
        routes.add("n2", "a/+");
        routes.remove("n1", "a/b");
        routes.remove("n1", "a/b");
        assertEquals(Set.of("n2"), routes.match("a/b"));

        routes.removeNode("n2");
        assertEquals(Set.of(), routes.match("a/b"));
        routes.add("n2", "a/b");
        assertEquals(Set.of("n2"), routes.match("a/b"), "a dropped route can be added again");
    }

    @Test
    void aSyncReplacesTheNodesRoutes() {
        routes.add("n1", "old/topic");
        routes.add("n1", "kept/topic");
        routes.replaceAll("n1", Set.of("kept/topic", "new/topic"));
        assertEquals(Set.of(), routes.match("old/topic"));
        assertEquals(Set.of("n1"), routes.match("kept/topic"));
        assertEquals(Set.of("n1"), routes.match("new/topic"));
    }

    /** A publish that reads the routes while a sync replaces them must not miss a route the sync keeps. */
    @Test
    void aRouteASyncKeepsIsNeverMissedDuringIt() throws Exception {
        routes.add("n1", "kept/topic");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> syncs = pool.submit(() -> {
                for (int i = 0; i < 20_000; i++) {
                    routes.replaceAll("n1", Set.of("kept/topic", "other/" + (i % 3)));
                }
            });
            Future<Integer> misses = pool.submit(() -> {
                int missed = 0;
                while (!syncs.isDone()) {
                    if (routes.match("kept/topic").isEmpty()) {
                        missed++;
                    }
                }
                return missed;
            });
            syncs.get();
            assertEquals(0, misses.get());
        } finally {
            pool.shutdownNow();
        }
    }
}
