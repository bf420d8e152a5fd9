package io.starling.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The load shapes the generator knows. */
public enum Scenario {
    /** Many publishers, one topic, one subscriber. */
    FAN_IN("fan-in"),
    /** One publisher, one topic, many subscribers. */
    FAN_OUT("fan-out"),
    /** Many publisher/subscriber pairs, a topic per pair. */
    POINT_TO_POINT("p2p"),
    /**
     * Many publishers, a topic each, and one shared subscription group ({@code $share/...}) of a
     * tenth as many members: each message goes to one member of the group.
     */
    SHARED("shared"),
    /** Many connections that only connect: the broker's memory per connection. */
    IDLE("idle"),
    /** Queued QoS 1 messages delivered to a persistent subscriber when it reconnects. */
    DRAIN("drain"),
    /** Many clients with passwords dropped at once and reconnecting at once. */
    STORM("storm"),
    /** The storm's clients connected through a balancer to a cluster, one node killed with SIGKILL. */
    FAILOVER("failover"),
    /** Password guessers, and a legitimate client's connect time with and without them. */
    GUESS("guess"),
    /**
     * Many persistent sessions, each with its own publisher: their queues are filled while they
     * are offline, then they all reconnect and drain them.
     */
    OFFLINE("offline");

    private final String label;

    Scenario(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Scenario byName(String name) {
        for (Scenario scenario : values()) {
            if (scenario.label.equals(name.toLowerCase(Locale.ROOT))) {
                return scenario;
            }
        }
        throw new IllegalArgumentException("unknown scenario " + name + "; one of "
                + Arrays.stream(values()).map(Scenario::label).collect(Collectors.joining(", ")));
    }
}
