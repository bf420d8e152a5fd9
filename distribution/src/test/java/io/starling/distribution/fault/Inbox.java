package io.starling.distribution.fault;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one subscriber received, in the order its application saw it (Paho's messageArrived),
 * whichever of its client objects received it: during a takeover the old and the new object
 * may both deliver, so every method is synchronized.
 */
final class Inbox {

    /** One delivery to the application. */
    record Arrival(Payload payload, int qos) {}

    private final List<Arrival> arrivals = new ArrayList<>();
    private final Set<Payload> qos2Received = new HashSet<>();
    private long lastArrivalNanos = System.nanoTime();

    synchronized void arrived(Payload payload, int qos) {
        arrivals.add(new Arrival(payload, qos));
        lastArrivalNanos = System.nanoTime();
    }

    /** A QoS 2 PUBLISH reached the client (it answered PUBREC); the application gets it at PUBREL. */
    synchronized void qos2Received(Payload payload) {
        qos2Received.add(payload);
        lastArrivalNanos = System.nanoTime();
    }

    synchronized List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    synchronized Set<Payload> qos2Received() {
        return Set.copyOf(qos2Received);
    }

    /** How many times each payload reached the application. */
    synchronized Map<Payload, Integer> counts() {
        Map<Payload, Integer> counts = new HashMap<>();
        for (Arrival arrival : arrivals) {
            counts.merge(arrival.payload(), 1, Integer::sum);
        }
        return counts;
    }

    synchronized long lastArrivalNanos() {
        return lastArrivalNanos;
    }
}
