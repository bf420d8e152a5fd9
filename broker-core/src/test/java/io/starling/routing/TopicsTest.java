package io.starling.routing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
