package io.starling.spi;

import java.io.Serializable;
import java.util.Map;

/**
 * A question or an operator's action the admin API puts to every node of the cluster (see
 * {@link ClusterBus#askOtherNodes} and {@link ClusterNode#answer}): what the node holds of its
 * clients and sessions, or a change to one of them. Sent between nodes, hence serializable.
 *
 * @param kind       what is asked, e.g. {@code clients} or {@code disconnect}
 * @param parameters its parameters by name (a search text, a client id)
 */
public record NodeQuery(String kind, Map<String, String> parameters) implements Serializable {

    public NodeQuery {
        parameters = Map.copyOf(parameters);
    }

    /** The parameter, or {@code fallback} when it is absent. */
    public String parameter(String name, String fallback) {
        return parameters.getOrDefault(name, fallback);
    }
}
