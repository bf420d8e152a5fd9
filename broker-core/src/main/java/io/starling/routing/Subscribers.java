package io.starling.routing;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The subscribers of one {@link TrieNode} with their granted QoS, held in the node's single
 * field: null when there are none; up to {@value #ARRAY_LIMIT} as an array of (subscriber, QoS)
 * pairs that is replaced, never changed, so readers need no lock; beyond that a
 * {@link ConcurrentHashMap}, so that subscribing to a broadcast filter that thousands of
 * clients share does not copy them all. Most filters have one subscriber: the array spares a
 * match the map, its table and an entry, and the traverser {@code ConcurrentHashMap.forEach}
 * allocates. A map that shrinks stays a map until it is empty.
 */
final class Subscribers {

    private static final int ARRAY_LIMIT = 8;

    private Subscribers() {}

    /** The holder with the subscriber added, or its QoS replaced. */
    static <S> Object with(Object current, S subscriber, int qos) {
        Integer granted = qos;
        if (current == null) {
            return new Object[] {subscriber, granted};
        }
        if (current instanceof Object[] pairs) {
            int at = indexOf(pairs, subscriber);
            if (at >= 0) {
                Object[] replaced = pairs.clone();
                replaced[at + 1] = granted;
                return replaced;
            }
            if (pairs.length / 2 < ARRAY_LIMIT) {
                Object[] grown = Arrays.copyOf(pairs, pairs.length + 2);
                grown[pairs.length] = subscriber;
                grown[pairs.length + 1] = granted;
                return grown;
            }
            Map<Object, Integer> many = new ConcurrentHashMap<>(ARRAY_LIMIT * 4);
            for (int i = 0; i < pairs.length; i += 2) {
                many.put(pairs[i], (Integer) pairs[i + 1]);
            }
            many.put(subscriber, granted);
            return many;
        }
        map(current).put(subscriber, granted);
        return current;
    }

    static boolean contains(Object current, Object subscriber) {
        if (current instanceof Object[] pairs) {
            return indexOf(pairs, subscriber) >= 0;
        }
        return current != null && map(current).containsKey(subscriber);
    }

    /** The holder without the subscriber, null when none is left; the subscriber must be in it. */
    static Object without(Object current, Object subscriber) {
        if (current instanceof Object[] pairs) {
            if (pairs.length == 2) {
                return null;
            }
            int at = indexOf(pairs, subscriber);
            Object[] shrunk = new Object[pairs.length - 2];
            System.arraycopy(pairs, 0, shrunk, 0, at);
            System.arraycopy(pairs, at + 2, shrunk, at, pairs.length - at - 2);
            return shrunk;
        }
        Map<Object, Integer> many = map(current);
        many.remove(subscriber);
        return many.isEmpty() ? null : many;
    }

    @SuppressWarnings("unchecked")
    static <S> void forEach(Object current, BiConsumer<S, Integer> visitor) {
        if (current instanceof Object[] pairs) {
            for (int i = 0; i < pairs.length; i += 2) {
                visitor.accept((S) pairs[i], (Integer) pairs[i + 1]);
            }
        } else if (current != null) {
            ((Map<S, Integer>) current).forEach(visitor);
        }
    }

    private static int indexOf(Object[] pairs, Object subscriber) {
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i].equals(subscriber)) {
                return i;
            }
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Integer> map(Object current) {
        return (Map<Object, Integer>) current;
    }
}
