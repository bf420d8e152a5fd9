package io.starling.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Subscriptions indexed by topic filter level by level. Matching a topic walks only the
 * branches its levels select (the literal level, {@code +} and {@code #}), so its cost does
 * not grow with the number of subscriptions that cannot match. Lookups take no lock; adds
 * and removes lock only the node they change.
 *
 * @param <S> the subscriber (a session)
 */
public final class SubscriptionTrie<S> {

    private static final String SINGLE = "+";
    private static final String MULTI = "#";

    private final Node<S> root = new Node<>(null, null);

    private static final class Node<S> {
        final Node<S> parent;
        final String level;
        final Map<String, Node<S>> children = new ConcurrentHashMap<>();
        final Map<S, Integer> subscribers = new ConcurrentHashMap<>();
        /** Set under the node's lock when it is unlinked; an add that sees it starts over. */
        volatile boolean removed;

        Node(Node<S> parent, String level) {
            this.parent = parent;
            this.level = level;
        }
    }

    /**
     * Adds or replaces the subscriber's subscription to the filter.
     *
     * @return true when the filter had no subscriber before (the node's first)
     */
    public boolean subscribe(String filter, S subscriber, int qos) {
        String[] levels = Topics.levels(filter);
        while (true) {
            Node<S> node = path(levels);
            if (node == null) {
                continue;
            }
            synchronized (node) {
                if (node.removed) {
                    continue;
                }
                boolean first = node.subscribers.isEmpty();
                node.subscribers.put(subscriber, qos);
                return first;
            }
        }
    }

    /**
     * The node of the filter, created where missing; null if a node on the way was being
     * pruned (the caller starts over). Children are added only under their parent's lock,
     * the lock a prune holds while it checks that the parent is empty, so a node that is
     * not marked removed is always reachable from the root.
     */
    private Node<S> path(String[] levels) {
        Node<S> node = root;
        for (String level : levels) {
            Node<S> child = node.children.get(level);
            if (child == null) {
                synchronized (node) {
                    if (node.removed) {
                        return null;
                    }
                    Node<S> parent = node;
                    child = node.children.computeIfAbsent(level, l -> new Node<>(parent, l));
                }
            }
            node = child;
        }
        return node;
    }

    /**
     * Removes the subscriber's subscription to the filter, and the nodes left empty.
     *
     * @return true when the filter has no subscriber left
     */
    public boolean unsubscribe(String filter, S subscriber) {
        Node<S> node = root;
        for (String level : Topics.levels(filter)) {
            node = node.children.get(level);
            if (node == null) {
                return false;
            }
        }
        boolean last;
        synchronized (node) {
            if (node.subscribers.remove(subscriber) == null) {
                return false;
            }
            last = node.subscribers.isEmpty();
        }
        prune(node);
        return last;
    }

    private void prune(Node<S> node) {
        while (node != root) {
            Node<S> parent = node.parent;
            synchronized (node) {
                if (node.removed || !node.subscribers.isEmpty() || !node.children.isEmpty()) {
                    return;
                }
                node.removed = true;
                parent.children.remove(node.level, node);
            }
            node = parent;
        }
    }

    /**
     * Calls {@code visitor} once per matching subscription (a subscriber with several
     * matching filters is visited once per filter). Filters starting with a wildcard do not
     * match topics starting with {@code $}.
     */
    public void match(String topic, BiConsumer<S, Integer> visitor) {
        String[] levels = Topics.levels(topic);
        boolean system = topic.startsWith("$");
        match(root, levels, 0, visitor, system);
    }

    private void match(Node<S> node, String[] levels, int index, BiConsumer<S, Integer> visitor, boolean system) {
        boolean wildcardsAllowed = !(system && index == 0);
        if (wildcardsAllowed) {
            Node<S> multi = node.children.get(MULTI);
            if (multi != null) {
                // "#" matches the parent level too: "sport/#" matches "sport".
                multi.subscribers.forEach(visitor);
            }
        }
        if (index == levels.length) {
            node.subscribers.forEach(visitor);
            return;
        }
        Node<S> literal = node.children.get(levels[index]);
        if (literal != null) {
            match(literal, levels, index + 1, visitor, system);
        }
        if (wildcardsAllowed) {
            Node<S> single = node.children.get(SINGLE);
            if (single != null) {
                match(single, levels, index + 1, visitor, system);
            }
        }
    }

    /** Whether nothing at all is subscribed. */
    public boolean isEmpty() {
        return root.children.isEmpty();
    }
}
