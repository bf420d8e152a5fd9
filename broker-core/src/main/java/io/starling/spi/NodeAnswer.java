package io.starling.spi;

import java.io.Serializable;

/**
 * One node's answer to a {@link NodeQuery}.
 *
 * @param node  the node's id in the cluster ({@link ClusterBus#nodeId})
 * @param value what it answered: maps, lists, strings, numbers and booleans only, so that any
 *     node can read it; null when the node could not answer (then {@code error} says why)
 * @param error why the node did not answer, or null
 */
public record NodeAnswer(String node, Serializable value, String error) implements Serializable {

    public static NodeAnswer of(String node, Serializable value) {
        return new NodeAnswer(node, value, null);
    }

    public static NodeAnswer failed(String node, String error) {
        return new NodeAnswer(node, null, error);
    }
}
