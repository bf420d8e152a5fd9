package io.starling.cluster.hazelcast;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The other nodes' topic filters: one entry per (filter, node), however many subscribers the
 * node has for it. {@link #match} answers which nodes need a message published to a topic.
 * Route changes are rare next to publishes: matching takes a shared read lock only.
 */
final class RemoteRoutes {

    private static final class Level {
        final Map<String, Level> children = new HashMap<>();
        final Set<String> nodes = new HashSet<>();

        boolean isEmpty() {
            return children.isEmpty() && nodes.isEmpty();
        }
    }

    private final Level root = new Level();
    private final Map<String, Set<String>> filtersByNode = new HashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    /** Adds the route; false if it was already there. */
    boolean add(String node, String filter) {
        lock.writeLock().lock();
        try {
            if (!filtersByNode.computeIfAbsent(node, n -> new HashSet<>()).add(filter)) {
                return false;
            }
            Level level = root;
            for (String part : filter.split("/", -1)) {
                level = level.children.computeIfAbsent(part, p -> new Level());
            }
            level.nodes.add(node);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Removes the route; false if it was not there. */
    boolean remove(String node, String filter) {
        lock.writeLock().lock();
        try {
            Set<String> filters = filtersByNode.get(node);
            if (filters == null || !filters.remove(filter)) {
                return false;
            }
            if (filters.isEmpty()) {
                filtersByNode.remove(node);
            }
            removeFromTrie(root, filter.split("/", -1), 0, node);
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    private static void removeFromTrie(Level level, String[] parts, int index, String node) {
        if (index == parts.length) {
            level.nodes.remove(node);
            return;
        }
        Level child = level.children.get(parts[index]);
        if (child == null) {
            return;
        }
        removeFromTrie(child, parts, index + 1, node);
        if (child.isEmpty()) {
            level.children.remove(parts[index]);
        }
    }

    /** Replaces every route of the node by {@code filters}. */
    void replaceAll(String node, Set<String> filters) {
        lock.writeLock().lock();
        try {
            removeNode(node);
            for (String filter : filters) {
                add(node, filter);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Drops every route of the node; returns how many there were. */
    int removeNode(String node) {
        lock.writeLock().lock();
        try {
            Set<String> filters = filtersByNode.get(node);
            if (filters == null) {
                return 0;
            }
            List<String> copy = new ArrayList<>(filters);
            for (String filter : copy) {
                remove(node, filter);
            }
            return copy.size();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The nodes with a filter matching the topic name. */
    Set<String> match(String topic) {
        Set<String> result = new HashSet<>();
        String[] parts = topic.split("/", -1);
        lock.readLock().lock();
        try {
            match(root, parts, 0, result, topic.startsWith("$"));
        } finally {
            lock.readLock().unlock();
        }
        return result;
    }

    private static void match(Level level, String[] parts, int index, Set<String> result, boolean systemTopic) {
        boolean first = index == 0;
        Level multi = level.children.get("#");
        if (multi != null && !(first && systemTopic)) {
            result.addAll(multi.nodes);
        }
        if (index == parts.length) {
            result.addAll(level.nodes);
            return;
        }
        Level exact = level.children.get(parts[index]);
        if (exact != null) {
            match(exact, parts, index + 1, result, systemTopic);
        }
        Level single = level.children.get("+");
        if (single != null && !(first && systemTopic)) {
            match(single, parts, index + 1, result, systemTopic);
        }
    }

    /** The filters this table holds for the node (a copy). */
    Set<String> filtersOf(String node) {
        lock.readLock().lock();
        try {
            return Set.copyOf(filtersByNode.getOrDefault(node, Set.of()));
        } finally {
            lock.readLock().unlock();
        }
    }

    int size() {
        lock.readLock().lock();
        try {
            return filtersByNode.values().stream().mapToInt(Set::size).sum();
        } finally {
            lock.readLock().unlock();
        }
    }
}
