package io.starling.routing;

import io.starling.spi.SubscriptionOptions;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * The deliveries of one message to the subscribers of this node, planned before any is made.
 * First it is the trie's visitor: it collects each matching subscriber once, with the highest
 * QoS among its matching subscriptions (MQTT 3.1.1 overlapping subscriptions: one copy at the
 * maximum QoS), in the order the trie first visits them; a No Local subscription of the
 * publisher's own session does not count, and one Retain As Published subscription among the
 * matching ones keeps the RETAIN flag for that subscriber. Then {@link PublishRouter} records
 * per subscriber the QoS it gets and whether its copy is stored, or that it is skipped.
 *
 * <p>Subscribers are told apart by identity (sessions do not override {@code equals}), kept in
 * arrays with an open-addressing table of their indices, so that a message matching thousands
 * of sessions costs no more per session than one matching a few. One instance per thread is
 * reused ({@link #acquire}): routing a message allocates nothing here once the arrays have
 * grown to the number of matches.
 *
 * @param <S> the subscriber (a session)
 */
final class Deliveries<S> implements BiConsumer<S, Integer> {

    private static final int INITIAL_CAPACITY = 8;
    /**
     * Arrays grown past this many subscribers are given up at {@link #release}: one broadcast
     * to many sessions would otherwise hold them for the life of the thread.
     */
    private static final int KEPT_CAPACITY = 1024;
    /** The QoS of a subscriber that does not get the message. */
    private static final int SKIPPED = -1;

    private Object[] subscribers;
    private int[] qos;
    private boolean[] stored;
    private boolean[] retainAsPublished;
    /** Where each subscriber's entry is in {@link #table}: {@link #release} frees those slots only. */
    private int[] slots;
    /** Index + 1 of the subscriber hashed to each slot, 0 for a free one; at most half full, probed linearly. */
    private int[] table;

    private int size;
    private boolean inUse;
    /** The publishing client's session, whose No Local subscriptions do not match; null if none. */
    private Object publisher;

    Deliveries() {
        allocate(INITIAL_CAPACITY);
    }

    /**
     * The thread's instance, emptied and marked in use; {@link #release} gives it back. A routing
     * that starts on the thread while its instance is in use gets one of its own: a delivery can
     * run on the routing thread and route again (a will published as a connection closes).
     */
    static <S> Deliveries<S> acquire(ThreadLocal<Deliveries<S>> perThread) {
        Deliveries<S> reused = perThread.get();
        if (reused.inUse) {
            return new Deliveries<>();
        }
        reused.inUse = true;
        return reused;
    }

    /** Forgets the subscribers (nothing is kept alive for the thread) and makes this instance available again. */
    void release() {
        for (int i = 0; i < size; i++) {
            table[slots[i]] = 0;
            subscribers[i] = null;
        }
        size = 0;
        publisher = null;
        if (subscribers.length > KEPT_CAPACITY) {
            allocate(INITIAL_CAPACITY);
        }
        inUse = false;
    }

    /** The message is published by this subscriber: its No Local subscriptions do not match. */
    void publishedBy(Object publishingSubscriber) {
        publisher = publishingSubscriber;
    }

    /**
     * One matching subscription ({@link SubscriptionOptions}): a new subscriber, or a higher
     * QoS for one collected already.
     */
    @Override
    public void accept(S subscriber, Integer options) {
        if (subscriber == publisher && SubscriptionOptions.noLocal(options)) {
            return;
        }
        int granted = SubscriptionOptions.qos(options);
        boolean keepRetain = SubscriptionOptions.retainAsPublished(options);
        if (size == subscribers.length) {
            grow();
        }
        int slot = home(subscriber);
        for (int at = table[slot]; at != 0; at = table[slot]) {
            if (subscribers[at - 1] == subscriber) {
                qos[at - 1] = Math.max(qos[at - 1], granted);
                retainAsPublished[at - 1] |= keepRetain;
                return;
            }
            slot = (slot + 1) & (table.length - 1);
        }
        subscribers[size] = subscriber;
        qos[size] = granted;
        stored[size] = false;
        retainAsPublished[size] = keepRetain;
        slots[size] = slot;
        table[slot] = ++size;
    }

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    S subscriber(int index) {
        return (S) subscribers[index];
    }

    /** The highest matching QoS; once {@link #deliver} has been called, the QoS delivered with. */
    int qos(int index) {
        return qos[index];
    }

    boolean isStored(int index) {
        return stored[index];
    }

    /** Whether one of the subscriber's matching subscriptions is Retain As Published. */
    boolean isRetainAsPublished(int index) {
        return retainAsPublished[index];
    }

    boolean isSkipped(int index) {
        return qos[index] == SKIPPED;
    }

    /** The subscriber gets the message with {@code deliveredQos}, from its stored queue or not. */
    void deliver(int index, int deliveredQos, boolean isStored) {
        qos[index] = deliveredQos;
        stored[index] = isStored;
    }

    /** The subscriber does not get the message. */
    void skip(int index) {
        qos[index] = SKIPPED;
    }

    private int home(Object subscriber) {
        int hash = System.identityHashCode(subscriber);
        return (hash ^ (hash >>> 16)) & (table.length - 1);
    }

    private void allocate(int capacity) {
        subscribers = new Object[capacity];
        qos = new int[capacity];
        stored = new boolean[capacity];
        retainAsPublished = new boolean[capacity];
        slots = new int[capacity];
        table = new int[capacity * 2];
    }

    /** Doubles the arrays and rehashes the subscribers into a table twice as large. */
    private void grow() {
        int capacity = subscribers.length * 2;
        subscribers = Arrays.copyOf(subscribers, capacity);
        qos = Arrays.copyOf(qos, capacity);
        stored = Arrays.copyOf(stored, capacity);
        retainAsPublished = Arrays.copyOf(retainAsPublished, capacity);
        slots = Arrays.copyOf(slots, capacity);
        table = new int[capacity * 2];
        for (int i = 0; i < size; i++) {
            int slot = home(subscribers[i]);
            while (table[slot] != 0) {
                slot = (slot + 1) & (table.length - 1);
            }
            slots[i] = slot;
            table[slot] = i + 1;
        }
    }
}
