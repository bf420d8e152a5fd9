package io.starling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.SubscriptionOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeliveriesTest {

    private final ThreadLocal<Deliveries<String>> perThread = ThreadLocal.withInitial(Deliveries::new);

    /** Subscriber to QoS, in the order collected. */
    private static Map<String, Integer> collected(Deliveries<String> deliveries) {
        Map<String, Integer> found = new LinkedHashMap<>();
        for (int i = 0; i < deliveries.size(); i++) {
            found.put(deliveries.subscriber(i), deliveries.qos(i));
        }
        assertEquals(deliveries.size(), found.size(), "each subscriber once");
        return found;
    }

    @Test
    void overlappingSubscriptionsGiveOneEntryPerSubscriberAtItsHighestQos() {
        SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        trie.subscribe("home/#", "a", 0);
        trie.subscribe("home/+/temp", "a", 2);
        trie.subscribe("+/kitchen/temp", "a", 1);
        trie.subscribe("home/kitchen/temp", "b", 1);
        trie.subscribe("#", "b", 0);
        trie.subscribe("home/kitchen/light", "c", 2);
        Deliveries<String> deliveries = Deliveries.acquire(perThread);

        trie.match("home/kitchen/temp", deliveries);

        assertEquals(Map.of("a", 2, "b", 1), collected(deliveries));
        deliveries.release();
    }

    @Test
    void noLocalSubscriptionsOfThePublisherDoNotCountAndRetainAsPublishedIsKeptPerSubscriber() {
        Deliveries<String> deliveries = Deliveries.acquire(perThread);
        deliveries.publishedBy("self");

        deliveries.accept("self", SubscriptionOptions.of(2, true, false));
        deliveries.accept("other", SubscriptionOptions.of(1, true, false));
        deliveries.accept("other", SubscriptionOptions.of(0, false, true));
        deliveries.accept("self", SubscriptionOptions.of(0, false, false));

        assertEquals(Map.of("other", 1, "self", 0), collected(deliveries));
        assertTrue(deliveries.isRetainAsPublished(0), "one matching subscription asks for it");
        assertFalse(deliveries.isRetainAsPublished(1));
        deliveries.release();

        Deliveries<String> reused = Deliveries.acquire(perThread);
        reused.accept("self", SubscriptionOptions.of(1, true, false));
        assertEquals(Map.of("self", 1), collected(reused), "the publisher is forgotten at release");
        reused.release();
    }

    @Test
    void subscribersAreToldApartByIdentity() {
        String first = new String("twin");
        String second = new String("twin");
        Deliveries<String> deliveries = Deliveries.acquire(perThread);

        deliveries.accept(first, 1);
        deliveries.accept(second, 0);
        deliveries.accept(first, 0);

        assertEquals(2, deliveries.size());
        assertSame(first, deliveries.subscriber(0));
        assertEquals(1, deliveries.qos(0));
        assertSame(second, deliveries.subscriber(1));
        assertEquals(0, deliveries.qos(1));
        deliveries.release();
    }

    @Test
    void manySubscribersEachMatchedTwiceKeepTheirOrderAndHighestQos() {
        Deliveries<String> deliveries = Deliveries.acquire(perThread);
        String[] subscribers = new String[3000];
        for (int i = 0; i < subscribers.length; i++) {
            subscribers[i] = "s" + i;
            deliveries.accept(subscribers[i], i % 3);
        }
        for (String subscriber : subscribers) {
            deliveries.accept(subscriber, 1);
        }

        assertEquals(subscribers.length, deliveries.size());
        for (int i = 0; i < subscribers.length; i++) {
            assertSame(subscribers[i], deliveries.subscriber(i));
            assertEquals(Math.max(1, i % 3), deliveries.qos(i), subscribers[i]);
        }
        deliveries.release();
    }

    @Test
    void theRoutersDecisionsAreKeptPerSubscriber() {
        Deliveries<String> deliveries = Deliveries.acquire(perThread);
        deliveries.accept("kept", 2);
        deliveries.accept("skipped", 1);

        deliveries.deliver(0, 1, true);
        deliveries.skip(1);

        assertEquals(1, deliveries.qos(0));
        assertTrue(deliveries.isStored(0));
        assertFalse(deliveries.isSkipped(0));
        assertTrue(deliveries.isSkipped(1));
        deliveries.release();
    }

    @Test
    void aReleasedInstanceIsReusedEmptyAndForgetsItsSubscribers() {
        Deliveries<String> first = Deliveries.acquire(perThread);
        first.accept("a", 1);
        first.deliver(0, 1, true);
        first.release();

        Deliveries<String> second = Deliveries.acquire(perThread);

        assertSame(first, second);
        assertEquals(0, second.size());
        second.accept("a", 0);
        assertEquals(Map.of("a", 0), collected(second), "a stale entry for the same subscriber would merge");
        assertFalse(second.isStored(0));
        second.release();
    }

    @Test
    void aRoutingThatStartsWhileTheThreadsInstanceIsInUseGetsItsOwn() {
        Deliveries<String> outer = Deliveries.acquire(perThread);
        outer.accept("a", 1);
        outer.accept("b", 2);

        // A delivery of the outer routing that runs on this thread and routes again (a will).
        Deliveries<String> inner = Deliveries.acquire(perThread);
        assertNotSame(outer, inner);
        inner.accept("c", 0);
        inner.release();

        assertEquals(Map.of("a", 1, "b", 2), collected(outer), "the outer routing's matches are untouched");
        outer.release();
        assertSame(outer, Deliveries.acquire(perThread), "the thread's instance is free again");
    }
}
