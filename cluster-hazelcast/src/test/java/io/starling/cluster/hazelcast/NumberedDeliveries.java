package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.testing.PahoClients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a subscriber received of {@link PacedPublisher}s' numbered messages ({@code root/<id>}),
 * checked against what each publisher had acknowledged: every one, in order.
 */
final class NumberedDeliveries {

    private NumberedDeliveries() {}

    /**
     * Reads the subscriber's messages until it has every acknowledged message of every publisher
     * (or nothing came for 20 s), then asserts that each publisher's acknowledged messages came
     * first and in order (a message sent but never acknowledged may follow). A message received
     * again later is a QoS 1 redelivery (the client's PUBACK may not have reached the node that
     * had sent it), which MQTT allows: only first receptions count for order.
     */
    static void assertEveryAcknowledgedInOrder(PahoClients subscriber, List<PacedPublisher> publishers)
            throws InterruptedException {
        Map<String, List<Integer>> received = new TreeMap<>();
        while (!hasAll(received, publishers)) {
            PahoClients.Received message = subscriber.poll(20_000);
            if (message == null) {
                break;
            }
            String publisher = message.topic().split("/")[1];
            received.computeIfAbsent(publisher, key -> new ArrayList<>()).add(Integer.parseInt(message.text()));
        }
        for (PacedPublisher publisher : publishers) {
            List<Integer> acknowledged = publisher.acknowledgedNumbers();
            List<Integer> got = received.getOrDefault(publisher.id(), List.of()).stream()
                    .distinct()
                    .toList();
            assertEquals(
                    acknowledged,
                    got.subList(0, Math.min(acknowledged.size(), got.size())),
                    "every message acknowledged to " + publisher.id() + ", in order");
        }
    }

    private static boolean hasAll(Map<String, List<Integer>> received, List<PacedPublisher> publishers) {
        return publishers.stream()
                .allMatch(publisher ->
                        received.getOrDefault(publisher.id(), List.of()).containsAll(publisher.acknowledgedNumbers()));
    }
}
