package io.starling.routing;

import io.starling.spi.StoredMessage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The retained messages by topic, level by level, so that a new subscription's filter
 * finds its matches by walking only the branches it selects. Replacing the message of an
 * existing topic takes no lock; creating or unlinking a node locks only that node.
 */
public final class RetainedIndex {

    private final Node root = new Node(null, null);
    private final AtomicInteger count = new AtomicInteger();

    private static final class Node {
        final Node parent;
        final String level;
        final Map<String, Node> children = new ConcurrentHashMap<>();
        volatile StoredMessage message;
        volatile boolean removed;

        Node(Node parent, String level) {
            this.parent = parent;
            this.level = level;
        }
    }

    /** Makes {@code message} the retained message of its topic. */
    public void put(StoredMessage message) {
        String[] levels = Topics.levels(message.topic());
        while (true) {
            Node node = path(levels);
            if (node == null) {
                continue;
            }
            synchronized (node) {
                if (node.removed) {
                    continue;
                }
                if (node.message == null) {
                    count.incrementAndGet();
                }
                node.message = message;
                return;
            }
        }
    }

    /**
     * The node of the topic, created where missing; null if a node on the way was being
     * pruned. Children are added only under their parent's lock, which a prune holds while
     * it checks that the parent is empty, so a node not marked removed is always reachable.
     */
    private Node path(String[] levels) {
        Node node = root;
        for (String level : levels) {
            Node child = node.children.get(level);
            if (child == null) {
                synchronized (node) {
                    if (node.removed) {
                        return null;
                    }
                    Node parent = node;
                    child = node.children.computeIfAbsent(level, l -> new Node(parent, l));
                }
            }
            node = child;
        }
        return node;
    }

    /** The retained message of the topic, or null. */
    public StoredMessage get(String topic) {
        Node node = root;
        for (String level : Topics.levels(topic)) {
            node = node.children.get(level);
            if (node == null) {
                return null;
            }
        }
        return node.message;
    }

    /** Calls {@code visitor} with every retained message, {@code $} topics included. */
    public void forEach(Consumer<StoredMessage> visitor) {
        visitAll(root, visitor);
    }

    /** Removes the retained message of the topic, if any. */
    public void remove(String topic) {
        Node node = root;
        for (String level : Topics.levels(topic)) {
            node = node.children.get(level);
            if (node == null) {
                return;
            }
        }
        synchronized (node) {
            if (node.message == null) {
                return;
            }
            node.message = null;
            count.decrementAndGet();
        }
        while (node != root) {
            Node parent = node.parent;
            synchronized (node) {
                if (node.removed || node.message != null || !node.children.isEmpty()) {
                    return;
                }
                node.removed = true;
                parent.children.remove(node.level, node);
            }
            node = parent;
        }
    }

    /** Calls {@code visitor} with every retained message whose topic matches {@code filter}. */
    public void match(String filter, Consumer<StoredMessage> visitor) {
        match(root, Topics.levels(filter), 0, visitor);
    }

    private void match(Node node, String[] levels, int index, Consumer<StoredMessage> visitor) {
        if (index == levels.length) {
            visit(node, visitor);
            return;
        }
        String level = levels[index];
        boolean root = index == 0;
        switch (level) {
            case "#" -> {
                // "a/#" matches "a" itself as well as everything below it.
                if (!root) {
                    visit(node, visitor);
                }
                node.children.forEach((name, child) -> {
                    if (!(root && name.startsWith("$"))) {
                        visitAll(child, visitor);
                    }
                });
            }
            case "+" ->
                node.children.forEach((name, child) -> {
                    if (!(root && name.startsWith("$"))) {
                        match(child, levels, index + 1, visitor);
                    }
                });
            default -> {
                Node child = node.children.get(level);
                if (child != null) {
                    match(child, levels, index + 1, visitor);
                }
            }
        }
    }

    private static void visit(Node node, Consumer<StoredMessage> visitor) {
        StoredMessage message = node.message;
        if (message != null) {
            visitor.accept(message);
        }
    }

    private static void visitAll(Node node, Consumer<StoredMessage> visitor) {
        visit(node, visitor);
        node.children.values().forEach(child -> visitAll(child, visitor));
    }

    public int size() {
        return count.get();
    }
}
