package io.starling.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.SubscriptionOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    @ParameterizedTest
    @ValueSource(strings = {"#", "+", "a/#", "a/+/b", "+/+", "/", "a//b", "/+", "sport/tennis/#", "$SYS/#", "a b/c"})
    void validFilters(String filter) {
        assertTrue(Topics.isValidFilter(filter));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a#", "a/b#", "a+/b", "+a", "##", "a/++", "#/"})
    void invalidFilters(String filter) {
        assertFalse(Topics.isValidFilter(filter));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "/", "a/b", "$SYS/x", "a b"})
    void validTopicNames(String topic) {
        assertTrue(Topics.isValidTopicName(topic));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/+", "#", "a/#/b"})
    void invalidTopicNames(String topic) {
        assertFalse(Topics.isValidTopicName(topic));
    }

    /** One filter against one topic decides as the trie does for many. */
    @Test
    void matchesAgreesWithTheTrie() {
        List<String> filters = List.of(
                "#",
                "+",
                "a",
                "a/#",
                "a/+",
                "a/+/c",
                "+/b/#",
                "a//c",
                "/+",
                "+/+",
                "$SYS/#",
                "$SYS/+/x",
                "a/b/c/#",
                "+/#");
        List<String> topics =
                List.of("a", "a/b", "a/b/c", "a/b/c/d", "/", "/a", "a//c", "b/b", "$SYS/x", "$SYS/y/x", "a/", "x/b/c");
        SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        filters.forEach(filter -> trie.subscribe(filter, filter, 1));
        for (String topic : topics) {
            Set<String> byTrie = new HashSet<>();
            trie.match(topic, (filter, qos) -> byTrie.add(filter));
            Set<String> byMatches = new HashSet<>();
            for (String filter : filters) {
                if (Topics.matches(filter, topic)) {
                    byMatches.add(filter);
                }
            }
            assertEquals(byTrie, byMatches, topic);
        }
        assertTrue(Topics.matches("a/#", "a"));
        assertFalse(Topics.matches("+", "$SYS"));
    }

    @Test
    void matchingQosIsTheHighestOfTheMatchingFilters() {
        Map<String, Integer> subscriptions = Map.of("a/#", 0, "a/+", 2, "b", 1);
        assertEquals(2, Topics.matchingQos(subscriptions, "a/x"));
        assertEquals(0, Topics.matchingQos(subscriptions, "a/x/y"));
        assertEquals(-1, Topics.matchingQos(subscriptions, "c"));
    }

    @Test
    void aSharedSubscriptionsIdentifierMatchesByItsOwnFilter() {
        Map<String, Integer> subscriptions = Map.of(
                "$share/g/a/+", SubscriptionOptions.of(1, false, false, 7),
                "$share/g/b", SubscriptionOptions.of(1, false, false, 8));
        assertArrayEquals(new int[] {7}, Topics.matchingIdentifiers(subscriptions, "a/x"));
    }
}
