package io.starling.routing;

import java.util.function.BiConsumer;

/**
 * Subscriptions indexed by topic filter level by level. Matching a topic walks only the
 * branches its levels select (the literal level, {@code +} and {@code #}), so its cost does
 * not grow with the number of subscriptions that cannot match, and it allocates nothing.
 * Lookups take no lock; adds and removes lock only the nodes they change. How a node keeps
 * its children and subscribers for speed and memory at a million subscriptions:
 * {@link TrieNode}, {@link Subscribers}.
 *
 * @param <S> the subscriber (a session)
 */
public final class SubscriptionTrie<S> {

    private static final String SINGLE = "+";
    private static final String MULTI = "#";

    private final TrieNode<S> root = new TrieNode<>(null, null);

    /**
     * Adds or replaces the subscriber's subscription to the filter.
     *
     * @return true when the filter had no subscriber before (the node's first)
     */
    public boolean subscribe(String filter, S subscriber, int qos) {
        String[] levels = Topics.levels(filter);
        while (true) {
            TrieNode<S> node = path(levels);
            if (node == null) {
                continue;
            }
            synchronized (node) {
                if (node.removed) {
                    continue;
                }
                return node.subscribe(subscriber, qos);
            }
        }
    }

    /**
     * The node of the filter, created where missing; null if a node on the way was being
     * pruned (the caller starts over). Children are added only under their parent's lock,
     * the lock a prune holds while it checks that the parent is empty, so a node that is
     * not marked removed is always reachable from the root.
     */
    private TrieNode<S> path(String[] levels) {
        TrieNode<S> node = root;
        for (String level : levels) {
            TrieNode<S> child = child(node, level);
            if (child == null) {
                synchronized (node) {
                    if (node.removed) {
                        return null;
                    }
                    child = addChild(node, level);
                }
            }
            node = child;
        }
        return node;
    }

    private static <S> TrieNode<S> child(TrieNode<S> node, String level) {
        if (level.equals(SINGLE)) {
            return node.single;
        }
        if (level.equals(MULTI)) {
            return node.multi;
        }
        return node.literal(level, 0, level.length());
    }

    /** The child, created if missing. Call under the node's lock. */
    private static <S> TrieNode<S> addChild(TrieNode<S> node, String level) {
        TrieNode<S> existing = child(node, level);
        if (existing != null) {
            return existing;
        }
        // One String per distinct level name across the trie ("dev", "temperature" repeat under
        // every site): less memory with many subscriptions.
        TrieNode<S> created = new TrieNode<>(node, level.intern());
        if (level.equals(SINGLE)) {
            node.single = created;
        } else if (level.equals(MULTI)) {
            node.multi = created;
        } else {
            node.addLiteral(created);
        }
        return created;
    }

    /**
     * Removes the subscriber's subscription to the filter, and the nodes left empty.
     *
     * @return true when the filter has no subscriber left
     */
    public boolean unsubscribe(String filter, S subscriber) {
        TrieNode<S> node = root;
        for (String level : Topics.levels(filter)) {
            node = child(node, level);
            if (node == null) {
                return false;
            }
        }
        boolean last;
        synchronized (node) {
            if (!node.unsubscribe(subscriber)) {
                return false;
            }
            last = !node.hasSubscribers();
        }
        prune(node);
        return last;
    }

    private void prune(TrieNode<S> node) {
        while (node != root) {
            TrieNode<S> parent = node.parent;
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
        match(root, topic, 0, visitor, topic.startsWith("$"));
    }

    /** Matches the levels of {@code topic} from {@code start}; past its end, all levels are consumed. */
    private void match(TrieNode<S> node, String topic, int start, BiConsumer<S, Integer> visitor, boolean system) {
        boolean wildcardsAllowed = !(system && node == root);
        if (wildcardsAllowed) {
            TrieNode<S> multi = node.multi;
            if (multi != null) {
                // "#" matches the parent level too: "sport/#" matches "sport".
                multi.visitSubscribers(visitor);
            }
        }
        if (start > topic.length()) {
            node.visitSubscribers(visitor);
            return;
        }
        int end = topic.indexOf('/', start);
        if (end < 0) {
            end = topic.length();
        }
        // The level is looked up where it is in the topic: copying it out into a String of its
        // own was a third of a match.
        TrieNode<S> child = node.literal(topic, start, end);
        if (child != null) {
            match(child, topic, end + 1, visitor, system);
        }
        if (wildcardsAllowed) {
            TrieNode<S> single = node.single;
            if (single != null) {
                match(single, topic, end + 1, visitor, system);
            }
        }
    }

    /** Whether nothing at all is subscribed. */
    public boolean isEmpty() {
        return root.isEmpty();
    }
}
