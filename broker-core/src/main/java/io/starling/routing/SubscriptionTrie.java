package io.starling.routing;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Subscriptions indexed by topic filter level by level. Matching a topic walks only the
 * branches its levels select (the literal level, {@code +} and {@code #}), so its cost does
 * not grow with the number of subscriptions that cannot match. Lookups take no lock; adds
 * and removes lock only the nodes they change.
 *
 * <p>Memory matters at a million subscriptions: the wildcard children are plain fields, and a
 * node's maps are created only when it gets its first literal child or subscriber.
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
        /** Literal child levels; null until the first one. Written under this node's lock. */
        volatile Map<String, Node<S>> children;
        volatile Node<S> single;
        volatile Node<S> multi;
        /** Subscriber to granted QoS; null until the first one. Written under this node's lock. */
        volatile Map<S, Integer> subscribers;
        /** Set under the node's lock when it is unlinked; an add that sees it starts over. */
        volatile boolean removed;

        Node(Node<S> parent, String level) {
            this.parent = parent;
            this.level = level;
        }

        Node<S> child(String name) {
            if (name.equals(SINGLE)) {
                return single;
            }
            if (name.equals(MULTI)) {
                return multi;
            }
            Map<String, Node<S>> literal = children;
            return literal == null ? null : literal.get(name);
        }

        /** The child, created if missing. Call under this node's lock. */
        Node<S> addChild(String name) {
            Node<S> existing = child(name);
            if (existing != null) {
                return existing;
            }
            // One String per distinct level name across the trie ("dev", "temperature" repeat under
            // every site): less memory with many subscriptions. (Whether matching gains from the
            // shared keys staying in the cache was not measurable on the shared test machine.)
            Node<S> created = new Node<>(this, name.intern());
            if (name.equals(SINGLE)) {
                single = created;
            } else if (name.equals(MULTI)) {
                multi = created;
            } else {
                if (children == null) {
                    children = new ConcurrentHashMap<>(4);
                }
                children.put(created.level, created);
            }
            return created;
        }

        /** Unlinks the child. Call under this node's lock. */
        void removeChild(Node<S> child) {
            if (single == child) {
                single = null;
            } else if (multi == child) {
                multi = null;
            } else if (children != null) {
                children.remove(child.level, child);
            }
        }

        boolean hasSubscribers() {
            Map<S, Integer> current = subscribers;
            return current != null && !current.isEmpty();
        }

        boolean isEmpty() {
            Map<String, Node<S>> literal = children;
            return !hasSubscribers() && (literal == null || literal.isEmpty()) && single == null && multi == null;
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
                boolean first = !node.hasSubscribers();
                if (node.subscribers == null) {
                    node.subscribers = new ConcurrentHashMap<>(2);
                }
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
            Node<S> child = node.child(level);
            if (child == null) {
                synchronized (node) {
                    if (node.removed) {
                        return null;
                    }
                    child = node.addChild(level);
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
            node = node.child(level);
            if (node == null) {
                return false;
            }
        }
        boolean last;
        synchronized (node) {
            Map<S, Integer> current = node.subscribers;
            if (current == null || current.remove(subscriber) == null) {
                return false;
            }
            last = current.isEmpty();
        }
        prune(node);
        return last;
    }

    private void prune(Node<S> node) {
        while (node != root) {
            Node<S> parent = node.parent;
            synchronized (parent) {
                synchronized (node) {
                    if (node.removed || !node.isEmpty()) {
                        return;
                    }
                    node.removed = true;
                    parent.removeChild(node);
                }
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
        match(root, topic, 0, visitor, topic.startsWith("$"), new Level(topic));
    }

    /**
     * One level of the topic being matched, looked up in a node's children without copying it
     * out into a String of its own (that allocation and copy was a third of a match). It hashes
     * like the String of the level and equals it, which is all {@link Map#get} asks of a key:
     * {@code Objects.equals(key, k)}, with the key first. Reused level by level within one match.
     */
    private static final class Level {
        private final String topic;
        private int start;
        private int end;
        private int hash;

        Level(String topic) {
            this.topic = topic;
        }

        Level of(int levelStart, int levelEnd) {
            start = levelStart;
            end = levelEnd;
            int h = 0;
            for (int i = levelStart; i < levelEnd; i++) {
                h = 31 * h + topic.charAt(i);
            }
            hash = h;
            return this;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof String level && level.length() == end - start
                && topic.regionMatches(start, level, 0, end - start);
        }
    }

    /** Matches the levels of {@code topic} from {@code start}; past its end, all levels are consumed. */
    private void match(Node<S> node, String topic, int start, BiConsumer<S, Integer> visitor, boolean system,
                       Level level) {
        boolean wildcardsAllowed = !(system && node == root);
        if (wildcardsAllowed) {
            Node<S> multi = node.multi;
            if (multi != null) {
                // "#" matches the parent level too: "sport/#" matches "sport".
                visit(multi, visitor);
            }
        }
        if (start > topic.length()) {
            visit(node, visitor);
            return;
        }
        int end = topic.indexOf('/', start);
        if (end < 0) {
            end = topic.length();
        }
        Map<String, Node<S>> literal = node.children;
        if (literal != null) {
            Node<S> child = literal.get(level.of(start, end));
            if (child != null) {
                match(child, topic, end + 1, visitor, system, level);
            }
        }
        if (wildcardsAllowed) {
            Node<S> single = node.single;
            if (single != null) {
                match(single, topic, end + 1, visitor, system, level);
            }
        }
    }

    private static <S> void visit(Node<S> node, BiConsumer<S, Integer> visitor) {
        Map<S, Integer> current = node.subscribers;
        if (current != null) {
            current.forEach(visitor);
        }
    }

    /** Whether nothing at all is subscribed. */
    public boolean isEmpty() {
        return root.isEmpty();
    }
}
