package io.starling.bench;

import java.util.stream.IntStream;

/**
 * Who publishes where and who hears whom in a traffic scenario. Topics live under a prefix
 * unique to the run, so runs against the same broker never see each other's messages. In the
 * shared scenario the subscribers are the members of one group: together they hear every
 * publisher once.
 */
record Topology(int publishers, int subscribers, String prefix, Scenario scenario) {

    static Topology of(Scenario scenario, int clients, String prefix) {
        return switch (scenario) {
            case FAN_IN -> new Topology(clients, 1, prefix, scenario);
            case FAN_OUT -> new Topology(1, clients, prefix, scenario);
            case POINT_TO_POINT -> new Topology(clients, clients, prefix, scenario);
            case SHARED -> new Topology(clients, Math.max(1, clients / 10), prefix, scenario);
            default -> throw new IllegalArgumentException(scenario.label() + " is not a traffic scenario");
        };
    }

    String publisherTopic(int publisher) {
        return scenario == Scenario.POINT_TO_POINT || scenario == Scenario.SHARED ? prefix + "/" + publisher : prefix;
    }

    String subscriberFilter(int subscriber) {
        return switch (scenario) {
            case POINT_TO_POINT -> prefix + "/" + subscriber;
            case SHARED -> "$share/bench/" + prefix + "/+";
            default -> prefix;
        };
    }

    /** Whether the subscribers are one shared subscription group. */
    boolean shared() {
        return scenario == Scenario.SHARED;
    }

    /** The publishers whose messages the subscriber receives. */
    int[] heardBy(int subscriber) {
        return switch (scenario) {
            case FAN_IN, SHARED -> IntStream.range(0, publishers).toArray();
            case FAN_OUT -> new int[] {0};
            default -> new int[] {subscriber};
        };
    }

    /** Copies delivered per published message. */
    int fanOut() {
        return scenario == Scenario.FAN_OUT ? subscribers : 1;
    }
}
