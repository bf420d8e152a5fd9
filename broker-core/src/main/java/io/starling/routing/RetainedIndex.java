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
            Node node = root;
            for (String level : levels) {
                Node parent = node;
                node = parent.children.computeIfAbsent(level, l -> new Node(parent, l));
            }
            synchronized (node) {
                if (node.removed) {
                    continue;
                }
                if (node.message == null) {
                    count.incrementAndGet();
                }
                node.message = message;
            }
            if (!hasRemovedAncestor(node)) {
                return;
            }
        }
    }

    private static boolean hasRemovedAncestor(Node node) {
        for (Node n = node.parent; n != null; n = n.parent) {
            if (n.removed) {
                return true;
            }
        }
        return false;
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
            case "+" -> node.children.forEach((name, child) -> {
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
