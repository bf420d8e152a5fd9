package io.starling.bench;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Compares what the publishers sent and had acknowledged with what the subscribers received.
 * At QoS 1 and 2 every acknowledged message must reach every subscriber that hears its
 * publisher, in order; at QoS 2 exactly once. At QoS 0 missing copies are only counted. For a
 * shared subscription group ({@link #ofGroup}) the group as a whole must get each message: one
 * member, in order within each member; a message at two members counts as a duplicate.
 */
record DeliveryCheck(
        int qos,
        long published,
        long expected,
        long delivered,
        long missing,
        long duplicates,
        long reordered,
        long unacknowledged,
        long unexpectedAcks,
        long foreign) {

    /** What the publishers report, summed. */
    private record Sent(long published, long unacknowledged, long unexpectedAcks) {

        static Sent of(List<? extends Published> publishers) {
            long published = 0;
            long unacknowledged = 0;
            long unexpectedAcks = 0;
            for (Published publisher : publishers) {
                published += publisher.sent();
                unacknowledged += publisher.unacknowledged();
                unexpectedAcks += publisher.unexpectedAcks();
            }
            return new Sent(published, unacknowledged, unexpectedAcks);
        }
    }

    /** The messages of the publisher a subscriber (or group) must get: a copy to change. */
    private static BitSet due(int qos, Published publisher) {
        if (qos > 0) {
            return (BitSet) publisher.acked().clone();
        }
        BitSet sent = new BitSet();
        sent.set(0, publisher.sent());
        return sent;
    }

    /** @param heardBy for each subscriber, the indexes of the publishers it hears */
    static DeliveryCheck of(
            int qos, List<? extends Published> publishers, List<Subscriber> subscribers, int[][] heardBy) {
        Sent sent = Sent.of(publishers);
        long expected = 0;
        long delivered = 0;
        long missing = 0;
        for (int s = 0; s < subscribers.size(); s++) {
            Subscriber subscriber = subscribers.get(s);
            for (int p : heardBy[s]) {
                Published publisher = publishers.get(p);
                BitSet received = subscriber.receivedFrom(publisher.index());
                delivered += received.cardinality();
                BitSet lost = due(qos, publisher);
                expected += lost.cardinality();
                lost.andNot(received);
                missing += lost.cardinality();
            }
        }
        return counted(qos, sent, expected, delivered, missing, 0, subscribers);
    }

    /** The subscribers are the members of one shared subscription group hearing every publisher. */
    static DeliveryCheck ofGroup(int qos, List<? extends Published> publishers, List<Subscriber> members) {
        Sent sent = Sent.of(publishers);
        long expected = 0;
        long delivered = 0;
        long missing = 0;
        long duplicates = 0;
        for (Published publisher : publishers) {
            BitSet union = new BitSet();
            long copies = 0;
            for (Subscriber member : members) {
                BitSet received = member.receivedFrom(publisher.index());
                copies += received.cardinality();
                union.or(received);
            }
            delivered += copies;
            // A message more than one member got: the group had it twice.
            duplicates += copies - union.cardinality();
            BitSet lost = due(qos, publisher);
            expected += lost.cardinality();
            lost.andNot(union);
            missing += lost.cardinality();
        }
        return counted(qos, sent, expected, delivered, missing, duplicates, members);
    }

    /**
     * The check, with what each subscriber counted itself (its duplicates, reorderings and
     * messages of other runs) added to the figures found across them.
     *
     * @param duplicates copies found twice across the subscribers (a group's), besides their own
     */
    private static DeliveryCheck counted(
            int qos,
            Sent sent,
            long expected,
            long delivered,
            long missing,
            long duplicates,
            List<Subscriber> subscribers) {
        long reordered = 0;
        long foreign = 0;
        for (Subscriber subscriber : subscribers) {
            duplicates += subscriber.duplicates();
            reordered += subscriber.reordered();
            foreign += subscriber.foreign();
        }
        return new DeliveryCheck(
                qos,
                sent.published(),
                expected,
                delivered,
                missing,
                duplicates,
                reordered,
                sent.unacknowledged(),
                sent.unexpectedAcks(),
                foreign);
    }

    /** What breaks the broker's promises; empty when the run passes. */
    List<String> failures() {
        List<String> failures = new ArrayList<>();
        if (qos > 0) {
            add(failures, missing, "acknowledged message copies never delivered");
            add(failures, unacknowledged, "published messages never acknowledged");
            add(failures, reordered, "messages delivered out of order");
        }
        if (qos == 2) {
            add(failures, duplicates, "QoS 2 messages delivered twice");
        }
        add(failures, unexpectedAcks, "acknowledgements for packet ids not in flight");
        add(failures, foreign, "messages that no publisher of this run sent");
        return failures;
    }

    /** What is worth knowing but allowed: QoS 0 drops, QoS 1 duplicates. */
    List<String> notes() {
        List<String> notes = new ArrayList<>();
        if (qos == 0) {
            add(notes, missing, "QoS 0 message copies dropped (allowed at QoS 0)");
            add(notes, reordered, "QoS 0 messages out of order");
        }
        if (qos == 1) {
            add(notes, duplicates, "QoS 1 duplicates (allowed at QoS 1)");
        }
        return notes;
    }

    private static void add(List<String> list, long count, String what) {
        if (count > 0) {
            list.add(count + " " + what);
        }
    }
}
