package io.starling.cluster.hazelcast;

import io.starling.routing.SharedFilter;
import io.starling.routing.SubscriptionTrie;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The other nodes' shared subscription groups: for each group (its whole {@code $share/...}
 * name), the nodes that have members of it and how many are online on each. Kept like
 * {@link RemoteRoutes}: {@link #match} reads a trie of the groups by filter without a lock, and
 * each group's nodes are an unmodifiable map replaced on change.
 */
final class RemoteGroups {

    private final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
    private final Map<String, Map<String, Integer>> nodesByGroup = new ConcurrentHashMap<>();
    /** Written and read under this object's lock. */
    private final Map<String, Set<String>> groupsByNode = new HashMap<>();

    /**
     * The node has the group with {@code online} members online (-1: no longer has it).
     *
     * @return whether the node had no member of the group online before and has some now
     */
    synchronized boolean set(String node, String group, int online) {
        Map<String, Integer> before = nodesByGroup.getOrDefault(group, Map.of());
        Integer was = before.get(node);
        if (online < 0) {
            if (was == null) {
                return false;
            }
            Map<String, Integer> after = new HashMap<>(before);
            after.remove(node);
            groupsByNode.computeIfPresent(
                    node, (n, groups) -> groups.remove(group) && groups.isEmpty() ? null : groups);
            if (after.isEmpty()) {
                nodesByGroup.remove(group);
                SharedFilter shared = SharedFilter.parse(group);
                if (shared != null) {
                    trie.unsubscribe(shared.filter(), group);
                }
            } else {
                nodesByGroup.put(group, Map.copyOf(after));
            }
            return false;
        }
        if (was == null) {
            SharedFilter shared = SharedFilter.parse(group);
            if (shared == null) {
                return false;
            }
            if (before.isEmpty()) {
                trie.subscribe(shared.filter(), group, 0);
            }
            groupsByNode.computeIfAbsent(node, n -> new HashSet<>()).add(group);
        }
        Map<String, Integer> after = new HashMap<>(before);
        after.put(node, online);
        nodesByGroup.put(group, Map.copyOf(after));
        return online > 0 && (was == null || was == 0);
    }

    /**
     * Replaces every group of the node by {@code groups}.
     *
     * @return the groups that have members online on the node now and had none before
     */
    synchronized Set<String> replaceAll(String node, Map<String, Integer> groups) {
        Set<String> online = new HashSet<>();
        for (Map.Entry<String, Integer> group : groups.entrySet()) {
            if (set(node, group.getKey(), group.getValue())) {
                online.add(group.getKey());
            }
        }
        for (String group : List.copyOf(groupsByNode.getOrDefault(node, Set.of()))) {
            if (!groups.containsKey(group)) {
                set(node, group, -1);
            }
        }
        return online;
    }

    /** Drops every group of the node (it left the cluster: its members there are gone). */
    synchronized void removeNode(String node) {
        for (String group : List.copyOf(groupsByNode.getOrDefault(node, Set.of()))) {
            set(node, group, -1);
        }
    }

    /** The groups whose filter matches the topic name. */
    Set<String> match(String topic) {
        if (nodesByGroup.isEmpty()) {
            return Set.of();
        }
        Set<String> groups = new HashSet<>(2);
        trie.match(topic, (group, qos) -> groups.add(group));
        return groups;
    }

    /** The nodes that have the group, with their members online. */
    Map<String, Integer> nodes(String group) {
        return nodesByGroup.getOrDefault(group, Map.of());
    }
}
