package io.starling.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TopicTreeRatesTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final TopicTreeRates rates = new TopicTreeRates(clock::get);

    private void advanceSeconds(long seconds) {
        clock.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void aTreeIsTheTopicsFirstLevels() {
        assertEquals("plant", TopicTreeRates.tree("plant/7/line/3", 1));
        assertEquals("plant/7", TopicTreeRates.tree("plant/7/line/3", 2));
        assertEquals("plant/7/line/3", TopicTreeRates.tree("plant/7/line/3", 4));
        assertEquals("plant/7/line/3", TopicTreeRates.tree("plant/7/line/3", 8));
        assertEquals("", TopicTreeRates.tree("/leading", 1));
    }

    @Test
    void nothingIsCountedUntilAskedThenRatesSinceTheAskBefore() {
        rates.published("a/x");
        TopicTreeRates.Snapshot first = rates.watch(1);
        assertEquals(0, first.seconds(), "counting has just started");
        assertEquals(List.of(), first.trees());

        for (int i = 0; i < 20; i++) {
            rates.published("a/x");
        }
        for (int i = 0; i < 10; i++) {
            rates.published("b/y/z");
        }
        advanceSeconds(2);
        TopicTreeRates.Snapshot second = rates.watch(1);
        assertEquals(2, second.seconds(), 1e-9);
        assertEquals(
                List.of(new TopicTreeRates.TreeRate("a", 10), new TopicTreeRates.TreeRate("b", 5)), second.trees());

        rates.published("b/y/z");
        advanceSeconds(1);
        assertEquals(
                List.of(new TopicTreeRates.TreeRate("b", 1)), rates.watch(1).trees(), "only the new messages");
    }

    @Test
    void anotherDepthStartsAgain() {
        rates.watch(1);
        rates.published("a/x/1");
        advanceSeconds(1);
        assertEquals(0, rates.watch(2).seconds());
        rates.published("a/x/1");
        advanceSeconds(1);
        assertEquals(
                List.of(new TopicTreeRates.TreeRate("a/x", 1)), rates.watch(2).trees());
    }

    @Test
    void countingStopsAMinuteAfterTheLastAsk() {
        rates.watch(1);
        advanceSeconds(61);
        rates.published("a/x");
        rates.published("a/x");
        TopicTreeRates.Snapshot again = rates.watch(1);
        assertEquals(0, again.seconds(), "stopped, so it starts again");
        assertEquals(List.of(), again.trees());
    }

    @Test
    void treesBeyondTheBoundCountTogether() {
        rates.watch(1);
        for (int i = 0; i < TopicTreeRates.MAX_TREES + 5; i++) {
            rates.published("device-" + i + "/temperature");
        }
        advanceSeconds(1);
        List<TopicTreeRates.TreeRate> trees = rates.watch(1).trees();
        assertEquals(TopicTreeRates.MAX_TREES + 1, trees.size());
        assertEquals(new TopicTreeRates.TreeRate(TopicTreeRates.OTHER, 5), trees.get(0));
    }

    @Test
    void aDepthOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> rates.watch(0));
        assertThrows(IllegalArgumentException.class, () -> rates.watch(TopicTreeRates.MAX_DEPTH + 1));
    }
}
