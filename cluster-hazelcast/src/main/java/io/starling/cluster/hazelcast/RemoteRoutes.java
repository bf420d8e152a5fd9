package io.starling.cluster.hazelcast;

import io.starling.routing.SubscriptionTrie;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The other nodes' topic filters: one entry per (filter, node), however many subscribers the
 * node has for it. {@link #match} answers which nodes need a message published to a topic,
 * from the broker's own {@link SubscriptionTrie} (with the node as the subscriber), so on
 * every publish it takes no lock and allocates only the answer. Changes are serialised here,
 * and each keeps every route that is in the table before and after it visible throughout
 * (a sync adds the new routes before it drops the old ones).
 */
final class RemoteRoutes {

    /** Routes carry no QoS: a forwarded message is delivered with each subscriber's own. */
    private static final int NO_QOS = 0;

    private final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
    /** Written and read under this object's lock. */
    private final Map<String, Set<String>> filtersByNode = new HashMap<>();

    /** Adds the route (nothing if it is there). */
    synchronized void add(String node, String filter) {
        if (filtersByNode.computeIfAbsent(node, n -> new HashSet<>()).add(filter)) {
            trie.subscribe(filter, node, NO_QOS);
        }
    }

    /** Removes the route (nothing if it is not there). */
    synchronized void remove(String node, String filter) {
        Set<String> filters = filtersByNode.get(node);
        if (filters == null || !filters.remove(filter)) {
            return;
        }
        if (filters.isEmpty()) {
            filtersByNode.remove(node);
        }
        trie.unsubscribe(filter, node);
    }

    /** Replaces every route of the node by {@code filters}. */
    synchronized void replaceAll(String node, Set<String> filters) {
        for (String filter : filters) {
            add(node, filter);
        }
        for (String filter : List.copyOf(filtersByNode.getOrDefault(node, Set.of()))) {
            if (!filters.contains(filter)) {
                remove(node, filter);
            }
        }
    }

    /** Drops every route of the node. */
    synchronized void removeNode(String node) {
        for (String filter : List.copyOf(filtersByNode.getOrDefault(node, Set.of()))) {
            remove(node, filter);
        }
    }

    /** The nodes with a filter matching the topic name. */
    Set<String> match(String topic) {
        Set<String> nodes = new HashSet<>(4);
        trie.match(topic, (node, qos) -> nodes.add(node));
        return nodes;
    }
}
