package io.starling.routing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BiConsumer;

/**
 * One level of a {@link SubscriptionTrie}: its literal children, its {@code +} and {@code #}
 * children and the subscribers of the filter that ends here. Readers take no lock; every
 * change is made under this node's monitor.
 *
 * <p>The literal children are an open-addressing table of the child nodes themselves (linear
 * probing, at most half full, each node carrying its level's hash), not a map: a lookup reads
 * the table, the child and its level's characters, where a {@code ConcurrentHashMap} reads the
 * map, its table, an entry, the key, its characters and then the value. With a million
 * subscriptions these are cache misses, one after the other, on every level of every match.
 * A removed child leaves a tombstone (probes go past it) until the table is rebuilt, which
 * writers do into a new array so that readers never see a half-moved table.
 *
 * @param <S> the subscriber
 */
final class TrieNode<S> {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(TrieNode[].class);
    private static final TrieNode<?> TOMBSTONE = new TrieNode<>(null, "");
    private static final int MIN_CAPACITY = 4;

    final TrieNode<S> parent;
    final String level;
    /** {@link #hash(String, int, int)} of the level. */
    final int hash;
    /** Null until the first literal child. */
    private volatile TrieNode<S>[] children;
    /** Live children and occupied slots (live and tombstones) of {@link #children}; under the lock. */
    private int childCount;

    private int usedSlots;
    volatile TrieNode<S> single;
    volatile TrieNode<S> multi;
    /** See {@link Subscribers}. */
    private volatile Object subscribers;
    /** Set under the lock when the node is unlinked; an add that sees it starts over. */
    volatile boolean removed;

    TrieNode(TrieNode<S> parent, String level) {
        this.parent = parent;
        this.level = level;
        this.hash = level == null ? 0 : hash(level, 0, level.length());
    }

    /** The hash of {@code text[start, end)}: String's hash, its high bits folded into the low ones the table indexes by. */
    private static int hash(String text, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + text.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    /** The literal child whose level is {@code topic[start, end)}, or null. */
    TrieNode<S> literal(String topic, int start, int end) {
        TrieNode<S>[] table = children;
        if (table == null) {
            return null;
        }
        int levelHash = hash(topic, start, end);
        int mask = table.length - 1;
        int length = end - start;
        for (int i = levelHash & mask; ; i = (i + 1) & mask) {
            @SuppressWarnings("unchecked")
            TrieNode<S> candidate = (TrieNode<S>) SLOTS.getAcquire(table, i);
            if (candidate == null) {
                return null;
            }
            if (candidate.hash == levelHash
                    && candidate != TOMBSTONE
                    && candidate.level.length() == length
                    && topic.regionMatches(start, candidate.level, 0, length)) {
                return candidate;
            }
        }
    }

    /** Adds a literal child; it must not be there yet. Call under this node's lock. */
    void addLiteral(TrieNode<S> child) {
        TrieNode<S>[] table = children;
        if (table == null || (usedSlots + 1) * 2 > table.length) {
            table = rebuilt(childCount + 1);
        }
        SLOTS.setRelease(table, freeSlot(table, child.hash), child);
        usedSlots++;
        childCount++;
    }

    /** Unlinks the child. Call under this node's lock. */
    void removeChild(TrieNode<S> child) {
        if (single == child) {
            single = null;
        } else if (multi == child) {
            multi = null;
        } else {
            removeLiteral(child);
        }
    }

    private void removeLiteral(TrieNode<S> child) {
        TrieNode<S>[] table = children;
        if (table == null) {
            return;
        }
        int mask = table.length - 1;
        for (int i = child.hash & mask; table[i] != null; i = (i + 1) & mask) {
            if (table[i] == child) {
                SLOTS.setRelease(table, i, TOMBSTONE);
                childCount--;
                if (childCount == 0) {
                    children = null;
                    usedSlots = 0;
                } else if (table.length > MIN_CAPACITY && childCount * 8 < table.length) {
                    rebuilt(childCount);
                }
                return;
            }
        }
    }

    /**
     * A new table for {@code live} children holding the current live ones, published before
     * it is returned. Rebuilding drops the tombstones and shrinks a table that emptied out.
     */
    private TrieNode<S>[] rebuilt(int live) {
        int capacity = MIN_CAPACITY;
        while (capacity < live * 2) {
            capacity <<= 1;
        }
        @SuppressWarnings("unchecked")
        TrieNode<S>[] table = new TrieNode[capacity];
        TrieNode<S>[] old = children;
        if (old != null) {
            for (TrieNode<S> child : old) {
                if (child != null && child != TOMBSTONE) {
                    table[freeSlot(table, child.hash)] = child;
                }
            }
        }
        usedSlots = childCount;
        children = table;
        return table;
    }

    /** Where a child with this hash goes in the table: its home slot or the first empty one after it. */
    private static int freeSlot(TrieNode<?>[] table, int hash) {
        int mask = table.length - 1;
        int i = hash & mask;
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /**
     * Adds or replaces the subscriber's QoS. Call under this node's lock.
     *
     * @return true when the node had no subscriber before
     */
    boolean subscribe(S subscriber, int qos) {
        Object before = subscribers;
        subscribers = Subscribers.with(before, subscriber, qos);
        return before == null;
    }

    /**
     * Removes the subscriber. Call under this node's lock.
     *
     * @return whether it was subscribed
     */
    boolean unsubscribe(S subscriber) {
        Object before = subscribers;
        if (!Subscribers.contains(before, subscriber)) {
            return false;
        }
        subscribers = Subscribers.without(before, subscriber);
        return true;
    }

    boolean hasSubscribers() {
        return subscribers != null;
    }

    void visitSubscribers(BiConsumer<S, Integer> visitor) {
        Subscribers.forEach(subscribers, visitor);
    }

    boolean isEmpty() {
        return subscribers == null && children == null && single == null && multi == null;
    }
}
