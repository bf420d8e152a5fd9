package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The QoS a subscriber gets: min(published, granted), one copy for overlapping filters, re-subscribe replaces. */
class SubscriptionQosTest extends BrokerWithPaho {

    @Test
    void deliveredQosIsTheMinimumOfPublishedAndGrantedQos() throws Exception {
        Paho.Client subscriber = paho.connect("sub");
        for (int granted = 0; granted <= 2; granted++) {
            subscriber.subscribe("granted/" + granted, granted);
        }
        subscriber.subscribe("marker", 2);
        Paho.Client publisher = paho.connect("pub");
        for (int granted = 0; granted <= 2; granted++) {
            for (int published = 0; published <= 2; published++) {
                publisher.publish("granted/" + granted, "g" + granted + "p" + published, published);
            }
        }
        publisher.publish("marker", "end", 2);

        Map<String, Integer> qosByPayload = subscriber.received().untilMarker("marker").stream()
                .collect(Collectors.toMap(Received.Msg::payload, Received.Msg::qos));
        for (int granted = 0; granted <= 2; granted++) {
            for (int published = 0; published <= 2; published++) {
                assertEquals(
                        Math.min(granted, published),
                        qosByPayload.get("g" + granted + "p" + published),
                        "granted " + granted + ", published " + published);
            }
        }
        assertEquals(9, qosByPayload.size(), "one copy of each of the 9 messages");
    }

    @Test
    void overlappingSubscriptionsDeliverOneCopyAtTheHighestGrantedQos() throws Exception {
        Paho.Client subscriber = paho.connect("sub");
        subscriber.subscribe("home/#", 0);
        subscriber.subscribe("home/+/temp", 2);
        subscriber.subscribe("+/kitchen/temp", 1);
        subscriber.subscribe("home/kitchen/temp", 0);
        subscriber.subscribe("marker", 2);
        Paho.Client publisher = paho.connect("pub");

        publisher.publish("home/kitchen/temp", "21", 2);
        publisher.publish("home/kitchen/light", "on", 2);
        publisher.publish("marker", "end", 2);

        // Sorted: Paho hands QoS 2 messages over on PUBREL, so a later QoS 0 one may come first.
        List<Received.Msg> received = subscriber.received().untilMarker("marker").stream()
                .sorted(Comparator.comparing(Received.Msg::topic))
                .toList();
        assertEquals(
                List.of(
                        new Received.Msg("home/kitchen/light", "on", 0, false, false),
                        new Received.Msg("home/kitchen/temp", "21", 2, false, false)),
                received);
    }

    @Test
    void resubscribingReplacesTheGrantedQosInsteadOfAddingASecondSubscription() throws Exception {
        Paho.Client subscriber = paho.connect("sub");
        subscriber.subscribe("t", 2);
        subscriber.subscribe("t", 0);
        subscriber.subscribe("marker", 2);
        Paho.Client publisher = paho.connect("pub");

        publisher.publish("t", "downgraded", 2);
        publisher.publish("marker", "end", 2);

        assertEquals(
                List.of(new Received.Msg("t", "downgraded", 0, false, false)),
                subscriber.received().untilMarker("marker"));

        subscriber.subscribe("t", 1);
        publisher.publish("t", "upgraded", 2);
        publisher.publish("marker", "end", 2);
        assertEquals(
                List.of(new Received.Msg("t", "upgraded", 1, false, false)),
                subscriber.received().untilMarker("marker"));
    }

    @Test
    void unsubscribeStopsDeliveryOfThatFilterOnly() throws Exception {
        Paho.Client subscriber = paho.connect("sub");
        subscriber.subscribe("a/+", 1);
        subscriber.subscribe("a/b", 1);
        subscriber.subscribe("marker", 2);
        subscriber.mqtt().unsubscribe("a/+");
        Paho.Client publisher = paho.connect("pub");

        publisher.publish("a/c", "not subscribed any more", 1);
        publisher.publish("a/b", "still subscribed", 1);
        publisher.publish("marker", "end", 2);

        assertEquals(List.of("still subscribed"), subscriber.received().payloadsUntilMarker("marker"));
    }
}
