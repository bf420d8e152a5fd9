package io.starling.auth.acl;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicFiltersTest {

    @Test
    void ruleFilterMatchesTopics() {
        assertTrue(TopicFilters.covers("a/b", "a/b"));
        assertTrue(TopicFilters.covers("a/+/c", "a/x/c"));
        assertTrue(TopicFilters.covers("a/#", "a/x/y"));
        assertTrue(TopicFilters.covers("a/#", "a"));
        assertTrue(TopicFilters.covers("#", "a/b"));
        assertTrue(TopicFilters.covers("+/+", "/x"));
        assertFalse(TopicFilters.covers("a/b", "a/b/c"));
        assertFalse(TopicFilters.covers("a/+", "a/b/c"));
        assertFalse(TopicFilters.covers("a/+", "a"));
        assertFalse(TopicFilters.covers("a/b", "a/c"));
    }

    @Test
    void ruleFilterCoversSubscriptionFilters() {
        assertTrue(TopicFilters.covers("a/#", "a/+/c"));
        assertTrue(TopicFilters.covers("a/#", "a/#"));
        assertTrue(TopicFilters.covers("a/+", "a/+"));
        assertTrue(TopicFilters.covers("+/b", "+/b"));
        assertFalse(TopicFilters.covers("a/+", "a/#"));
        assertFalse(TopicFilters.covers("a/b", "a/+"));
        assertFalse(TopicFilters.covers("a/b/#", "a/#"));
        assertFalse(TopicFilters.covers("a/+/c", "a/+/#"));
    }

    @Test
    void wildcardsAtTheFirstLevelDoNotReachDollarTopics() {
        assertFalse(TopicFilters.covers("#", "$SYS/broker"));
        assertFalse(TopicFilters.covers("+/broker", "$SYS/broker"));
        assertTrue(TopicFilters.covers("$SYS/#", "$SYS/broker"));
    }

    @Test
    void validatesFilters() {
        assertTrue(TopicFilters.isValid("a/+/#"));
        assertTrue(TopicFilters.isValid("#"));
        assertFalse(TopicFilters.isValid("a/#/b"));
        assertFalse(TopicFilters.isValid("a/b+"));
        assertFalse(TopicFilters.isValid(""));
    }
}
