package io.starling.distribution.fault;

import io.starling.routing.Topics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one subscriber got against what it had to get.
 *
 * <p>Had to get: every message acknowledged to a publisher (PUBACK, or PUBCOMP at QoS 2) whose
 * topic matches one of the subscriber's filters, at the highest matching subscription QoS capped
 * by the published QoS (Starling delivers one copy per session, however many filters match).
 *
 * <ul>
 *   <li><b>lost</b>: such a message never reached the application. Among them, <b>unreleased</b>
 *       ones reached the client as QoS 2 PUBLISH (it answered PUBREC) but the PUBREL that hands
 *       them to the application never came.</li>
 *   <li><b>duplicated</b>: a message reached the application more than once. Allowed at QoS 1
 *       (counted, not a failure); at QoS 2 a failure.</li>
 *   <li><b>out of order</b>: per publisher, the first delivery of message n after the first
 *       delivery of some message m &gt; n. A publisher sends m only after n was acknowledged, so
 *       the broker had n before m. A repeat of a message already delivered (a QoS 1 redelivery,
 *       DUP or not) is a duplicate, never out of order, whenever it comes.</li>
 *   <li><b>unexpected</b>: a delivery of a message the subscriber has no matching filter for, or
 *       that no publisher ever sent.</li>
 * </ul>
 */
record Verdict(
        String clientId,
        boolean slow,
        int expected,
        int delivered,
        List<Payload> lost,
        List<String> unreleased,
        int duplicatesQos1,
        int duplicatesQos2,
        List<String> duplicatedQos2,
        List<String> outOfOrder,
        List<Payload> unexpected) {

    boolean passed() {
        return lost.isEmpty() && duplicatesQos2 == 0 && outOfOrder.isEmpty() && unexpected.isEmpty();
    }

    static Verdict of(FaultSubscriber subscriber, List<FaultPublisher> publishers) {
        Map<Payload, Integer> counts = subscriber.inbox.counts();
        Map<Payload, List<Integer>> qos2Received = subscriber.inbox.qos2Received();
        Map<Integer, FaultPublisher> byIndex = new HashMap<>();
        publishers.forEach(publisher -> byIndex.put(publisher.index, publisher));

        int expected = 0;
        int delivered = 0;
        List<String> unreleased = new ArrayList<>();
        List<Payload> lost = new ArrayList<>();
        for (FaultPublisher publisher : publishers) {
            if (deliveredQos(subscriber, publisher) < 0) {
                continue;
            }
            for (int seq = 0; seq < publisher.acknowledged(); seq++) {
                Payload payload = new Payload(publisher.index, seq);
                expected++;
                if (counts.containsKey(payload)) {
                    delivered++;
                } else {
                    lost.add(payload);
                    if (qos2Received.containsKey(payload)) {
                        unreleased.add(payload + " as m" + qos2Received.get(payload));
                    }
                }
            }
        }

        int duplicatesQos1 = 0;
        int duplicatesQos2 = 0;
        List<String> duplicatedQos2 = new ArrayList<>();
        List<Payload> unexpected = new ArrayList<>();
        for (Map.Entry<Payload, Integer> entry : counts.entrySet()) {
            FaultPublisher publisher = byIndex.get(entry.getKey().publisher());
            int qos = publisher == null ? -1 : deliveredQos(subscriber, publisher);
            if (qos < 0 || entry.getKey().seq() >= publisher.attempted()) {
                unexpected.add(entry.getKey());
            } else if (qos == 2) {
                duplicatesQos2 += entry.getValue() - 1;
                if (entry.getValue() > 1) {
                    duplicatedQos2.add(entry.getKey() + " as m" + subscriber.inbox.packetIds(entry.getKey()));
                }
            } else {
                duplicatesQos1 += entry.getValue() - 1;
            }
        }
        return new Verdict(
                subscriber.clientId,
                subscriber.slow(),
                expected,
                delivered,
                lost,
                unreleased,
                duplicatesQos1,
                duplicatesQos2,
                duplicatedQos2,
                outOfOrder(subscriber.inbox.arrivals()),
                unexpected);
    }

    /** The QoS the subscriber gets the publisher's messages at, -1 if no filter matches. */
    private static int deliveredQos(FaultSubscriber subscriber, FaultPublisher publisher) {
        int subscribed = Topics.matchingQos(subscriber.filters, publisher.topic);
        return subscribed < 0 ? -1 : Math.min(subscribed, publisher.qos);
    }

    /** See the class comment: "m then n" for every first delivery of n after a higher m of the same publisher. */
    private static List<String> outOfOrder(List<Inbox.Arrival> arrivals) {
        Map<Integer, Inbox.Arrival> highest = new HashMap<>();
        Set<Payload> seen = new HashSet<>();
        List<String> found = new ArrayList<>();
        for (Inbox.Arrival arrival : arrivals) {
            Payload payload = arrival.payload();
            if (!seen.add(payload)) {
                continue;
            }
            Inbox.Arrival before = highest.get(payload.publisher());
            if (before != null && payload.seq() < before.payload().seq()) {
                found.add(before.payload() + " (m" + before.packetId() + ") then " + payload + " (m"
                        + arrival.packetId() + ")");
            } else {
                highest.put(payload.publisher(), arrival);
            }
        }
        return found;
    }
}
