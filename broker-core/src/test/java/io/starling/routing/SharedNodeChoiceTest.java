package io.starling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.config.SharedStrategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedNodeChoiceTest {

    private static final Map<String, Integer> OTHERS = Map.of("b", 1, "c", 2);

    @Test
    void roundRobinGivesEachNodeAsManyTurnsAsItHasMembersOnline() {
        Map<String, Integer> turns = new HashMap<>();
        for (int turn = 0; turn < 400; turn++) {
            String node = SharedNodeChoice.choose(SharedStrategy.ROUND_ROBIN, "a", 1, OTHERS, turn, null, "t");
            turns.merge(node, 1, Integer::sum);
        }
        assertEquals(Map.of("a", 100, "b", 100, "c", 200), turns);
    }

    @Test
    void localFirstKeepsTheMessageHereWhileAMemberHereIsOnline() {
        for (int turn = 0; turn < 10; turn++) {
            assertEquals("a", SharedNodeChoice.choose(SharedStrategy.LOCAL_FIRST, "a", 1, OTHERS, turn, null, "t"));
        }
        List<String> elsewhere = List.of(
                SharedNodeChoice.choose(SharedStrategy.LOCAL_FIRST, "a", 0, OTHERS, 0, null, "t"),
                SharedNodeChoice.choose(SharedStrategy.LOCAL_FIRST, "a", 0, OTHERS, 1, null, "t"));
        assertEquals(List.of("b", "c"), elsewhere, "no member here: spread over the others' members");
    }

    @Test
    void theHashStrategiesPickTheSameNodeForAKeyOnEveryNode() {
        Map<String, Integer> online = Map.of("a", 1, "b", 1, "c", 2);
        for (String key : List.of("k1", "k2", "sensor/7", "")) {
            String fromA =
                    SharedNodeChoice.choose(SharedStrategy.HASH_TOPIC, "a", 1, without(online, "a"), 0, null, key);
            String fromB =
                    SharedNodeChoice.choose(SharedStrategy.HASH_TOPIC, "b", 1, without(online, "b"), 5, null, key);
            String fromC =
                    SharedNodeChoice.choose(SharedStrategy.HASH_CLIENT_ID, "c", 2, without(online, "c"), 9, null, key);
            assertEquals(fromA, fromB, key);
            assertEquals(fromA, fromC, key);
        }
    }

    @Test
    void stickyStaysOnTheLastNodeWhileItHasMembersOnline() {
        assertEquals("c", SharedNodeChoice.choose(SharedStrategy.STICKY, "a", 1, OTHERS, 0, "c", "t"));
        assertEquals(
                "a",
                SharedNodeChoice.choose(SharedStrategy.STICKY, "a", 1, Map.of("b", 1, "c", 0), 0, "c", "t"),
                "the last node has no member online any more: round-robin from the first");
    }

    @Test
    void withNoMemberOnlineTheMessageWaitsHereIfThisNodeHasTheGroupElseOnTheFirstNodeThatHas() {
        Map<String, Integer> offline = Map.of("c", 0, "b", 0);
        assertEquals("a", SharedNodeChoice.choose(SharedStrategy.ROUND_ROBIN, "a", 0, offline, 3, null, "t"));
        assertEquals("b", SharedNodeChoice.choose(SharedStrategy.ROUND_ROBIN, "a", -1, offline, 3, null, "t"));
        assertNull(SharedNodeChoice.choose(SharedStrategy.ROUND_ROBIN, "a", -1, Map.of(), 3, null, "t"));
    }

    @Test
    void membersOnlineAreAlwaysPreferredOverOfflineNodes() {
        for (SharedStrategy strategy : SharedStrategy.values()) {
            for (int turn = 0; turn < 20; turn++) {
                String node = SharedNodeChoice.choose(strategy, "a", 0, Map.of("b", 0, "c", 3), turn, "b", "k" + turn);
                assertEquals("c", node, strategy.configName());
            }
        }
    }

    @Test
    void aMessageWaitingHereGoesOnlyToANodeWithMembersOnline() {
        assertNull(SharedNodeChoice.chooseElsewhere(SharedStrategy.ROUND_ROBIN, Map.of("b", 0), 0, null, "t"));
        assertEquals(
                "b",
                SharedNodeChoice.chooseElsewhere(SharedStrategy.LOCAL_FIRST, Map.of("b", 2, "c", 0), 0, null, "t"));
        String node = SharedNodeChoice.chooseElsewhere(SharedStrategy.RANDOM, OTHERS, 0, null, "t");
        assertTrue(OTHERS.containsKey(node), node);
    }

    private static Map<String, Integer> without(Map<String, Integer> online, String node) {
        Map<String, Integer> others = new HashMap<>(online);
        others.remove(node);
        return others;
    }
}
