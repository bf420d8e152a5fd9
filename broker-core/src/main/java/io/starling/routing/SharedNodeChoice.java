package io.starling.routing;

import io.starling.config.SharedStrategy;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Which node gets a message of a shared subscription group that has members on other nodes: one
 * node per message, chosen among the nodes with members online as the group's strategy says, so
 * that the group gets each message once across the cluster. The strategies spread over members,
 * not nodes: a node with three members online gets three turns of round-robin for one of a node
 * with one. Nodes are taken in the order of their ids, the same on every node, so the hash
 * strategies pick the same node for a key wherever it is published (while the members online stay
 * the same). The chosen node's group then picks one of its members by the same strategy.
 */
final class SharedNodeChoice {

    private SharedNodeChoice() {}

    /**
     * @param self        this node's id
     * @param localOnline this node's members online, or -1 if this node does not have the group
     * @param others      the other nodes that have the group, with their members online
     * @param turn        the group's turn counter on this node (round-robin), taken by each choice
     * @param last        the node chosen last for the group (sticky), or null
     * @param key         the hash strategies' key (the publisher's client id or the topic)
     * @return the node: {@code self}, one of {@code others}, or null if no node has the group. With
     *     no member online anywhere, this node if it has the group (its queue waits), else the
     *     first other node that has it
     */
    static String choose(
            SharedStrategy strategy,
            String self,
            int localOnline,
            Map<String, Integer> others,
            long turn,
            String last,
            String key) {
        TreeMap<String, Integer> online = new TreeMap<>();
        if (localOnline > 0) {
            online.put(self, localOnline);
        }
        int total = Math.max(localOnline, 0);
        for (Map.Entry<String, Integer> other : others.entrySet()) {
            if (other.getValue() > 0) {
                online.put(other.getKey(), other.getValue());
                total += other.getValue();
            }
        }
        if (total == 0) {
            if (localOnline >= 0) {
                return self;
            }
            return others.isEmpty() ? null : new TreeMap<>(others).firstKey();
        }
        if (strategy == SharedStrategy.LOCAL_FIRST && localOnline > 0) {
            return self;
        }
        if (strategy == SharedStrategy.STICKY && last != null && online.containsKey(last)) {
            return last;
        }
        int index = switch (strategy) {
            case HASH_CLIENT_ID, HASH_TOPIC -> Math.floorMod(key.hashCode(), total);
            case RANDOM -> ThreadLocalRandom.current().nextInt(total);
            default -> (int) Math.floorMod(turn, (long) total);
        };
        for (Map.Entry<String, Integer> node : online.entrySet()) {
            index -= node.getValue();
            if (index < 0) {
                return node.getKey();
            }
        }
        throw new IllegalStateException("index past the members online");
    }

    /**
     * A node other than this one with members online, for a message waiting here while none of
     * this node's members is online (as {@link #choose} with no member here); null if there is none.
     */
    static String chooseElsewhere(
            SharedStrategy strategy, Map<String, Integer> others, long turn, String last, String key) {
        boolean anyOnline = others.values().stream().anyMatch(count -> count > 0);
        return anyOnline ? choose(strategy, "", 0, others, turn, last, key) : null;
    }
}
