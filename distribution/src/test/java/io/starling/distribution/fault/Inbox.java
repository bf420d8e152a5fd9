package io.starling.distribution.fault;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one subscriber received, in the order its application saw it (Paho's messageArrived),
 * whichever of its client objects received it: during a takeover the old and the new object
 * may both deliver, so every method is synchronized.
 */
final class Inbox {

    /** One delivery to the application, with the packet id it came under (0 at QoS 0), for reading node logs. */
    record Arrival(Payload payload, int qos, int packetId) {}

    private final List<Arrival> arrivals = new ArrayList<>();
    /** Each QoS 2 payload that reached the client, with the packet ids it came under (for reading a node log). */
    private final Map<Payload, List<Integer>> qos2Received = new HashMap<>();

    private long lastArrivalNanos = System.nanoTime();

    synchronized void arrived(Payload payload, int qos, int packetId) {
        arrivals.add(new Arrival(payload, qos, packetId));
        lastArrivalNanos = System.nanoTime();
    }

    /** A QoS 2 PUBLISH reached the client (it answered PUBREC); the application gets it at PUBREL. */
    synchronized void qos2Received(Payload payload, int packetId) {
        qos2Received.computeIfAbsent(payload, ignored -> new ArrayList<>()).add(packetId);
        lastArrivalNanos = System.nanoTime();
    }

    synchronized List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    /** The packet ids under which each QoS 2 payload reached the client. */
    synchronized Map<Payload, List<Integer>> qos2Received() {
        Map<Payload, List<Integer>> copy = new HashMap<>();
        qos2Received.forEach((payload, ids) -> copy.put(payload, List.copyOf(ids)));
        return copy;
    }

    /** The packet ids the payload reached the application under, in order. */
    synchronized List<Integer> packetIds(Payload payload) {
        return arrivals.stream()
                .filter(arrival -> arrival.payload().equals(payload))
                .map(Arrival::packetId)
                .toList();
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
