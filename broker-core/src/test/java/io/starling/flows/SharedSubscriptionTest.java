package io.starling.flows;

import static io.starling.testing.RawMqttClient.PUBLISH;
import static io.starling.testing.RawMqttClient.SUBACK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.Authorizer;
import io.starling.spi.ClientIdentity;
import io.starling.storage.memory.InMemoryStorageProvider;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Packet;
import io.starling.testing.ScrapedMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shared subscriptions ({@code $share/{group}/{filter}}) on one node with MQTT 3.1.1 clients:
 * Paho where a client acknowledges, raw sockets for a member that holds messages without
 * acknowledging them or whose connection the test ends at a chosen point.
 */
class SharedSubscriptionTest {

    private static final String MARKER = "marker";

    private EmbeddedBroker broker;
    private Paho paho;
    private final List<RawMqttClient> raws = new ArrayList<>();

    private void start(String... settings) throws Exception {
        start(List.of(), settings);
    }

    private void start(List<Authorizer> authorizers, String... settings) throws Exception {
        broker = EmbeddedBroker.start(InMemoryStorageProvider.newStorage(), List.of(), authorizers, settings);
        paho = new Paho(broker);
    }

    @AfterEach
    void stop() throws Exception {
        for (RawMqttClient raw : raws) {
            raw.close();
        }
        if (paho != null) {
            paho.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** A Paho member of the shared subscription that also gets the marker (QoS 2, ordinary subscription). */
    private Paho.Client member(String clientId, String shared, int qos) throws Exception {
        Paho.Client client = paho.connect(clientId);
        client.subscribe(MARKER, 2);
        client.subscribe(shared, qos);
        return client;
    }

    private RawMqttClient raw(String clientId, boolean cleanSession) throws Exception {
        RawMqttClient raw = new RawMqttClient(broker.port());
        raws.add(raw);
        assertEquals(0, raw.connect(clientId, cleanSession, 60));
        return raw;
    }

    /** Subscribes and returns the SUBACK's return code. */
    private static int subscribe(RawMqttClient raw, String filter, int qos) throws Exception {
        raw.send(RawMqttClient.subscribePacket(1, filter, qos));
        Packet suback = raw.expect(SUBACK);
        return suback.body()[suback.body().length - 1] & 0xFF;
    }

    /** The payload of a PUBLISH read from a raw client. */
    private static String payload(Packet publish) {
        byte[] body = publish.body();
        int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        int qos = (publish.flags() >> 1) & 0x03;
        int start = 2 + topicLength + (qos > 0 ? 2 : 0);
        return new String(body, start, body.length - start, StandardCharsets.UTF_8);
    }

    /** The packet id of a QoS 1/2 PUBLISH read from a raw client. */
    private static int packetId(Packet publish) {
        byte[] body = publish.body();
        int at = 2 + (((body[0] & 0xFF) << 8) | (body[1] & 0xFF));
        return ((body[at] & 0xFF) << 8) | (body[at + 1] & 0xFF);
    }

    private static List<String> numbers(int count) {
        return IntStream.range(0, count).mapToObj(Integer::toString).toList();
    }

    private void publishAll(Paho.Client publisher, String topic, List<String> payloads, int qos) throws Exception {
        for (String payload : payloads) {
            publisher.publish(topic, payload, qos);
        }
    }

    @Test
    void eachMessageGoesToOneMemberOfEachGroupRoundRobin() throws Exception {
        start();
        Paho.Client a1 = member("a1", "$share/a/jobs/#", 1);
        Paho.Client a2 = member("a2", "$share/a/jobs/#", 1);
        Paho.Client b1 = member("b1", "$share/b/jobs/+", 1);
        Paho.Client plain = member("plain", "jobs/#", 1);
        Paho.Client publisher = paho.connect("publisher");
        List<String> sent = numbers(20);
        publishAll(publisher, "jobs/x", sent, 1);
        publisher.publish(MARKER, "end", 2);

        List<String> toA1 = a1.received().payloadsUntilMarker(MARKER);
        List<String> toA2 = a2.received().payloadsUntilMarker(MARKER);
        List<String> groupA = new ArrayList<>(toA1);
        groupA.addAll(toA2);
        assertEquals(new TreeSet<>(sent), new TreeSet<>(groupA), "group a got every message");
        assertEquals(sent.size(), groupA.size(), "group a got each message once");
        assertEquals(10, toA1.size(), "round-robin: half each");
        assertEquals(sent, b1.received().payloadsUntilMarker(MARKER), "a group of one gets all, in order");
        assertEquals(sent, plain.received().payloadsUntilMarker(MARKER), "an ordinary subscription is unaffected");
    }

    @Test
    void aClientIdThatIsAGroupsNameIsRejected() throws Exception {
        start();
        RawMqttClient raw = new RawMqttClient(broker.port());
        raws.add(raw);
        // A group's stored queue has its $share/... name: such a client would read it.
        assertEquals(2, raw.connect("$share/a/jobs/#", false, 60), "CONNACK 2, identifier rejected");
    }

    @Test
    void retainedMessagesAreNotSentOnASharedSubscription() throws Exception {
        start();
        Paho.Client publisher = paho.connect("publisher");
        publisher.publish("ret/a", "kept", 1, true);
        Paho.Client plain = member("plain", "ret/#", 1);
        assertEquals("kept", plain.received().next().payload(), "the retained message exists");
        Paho.Client shared = member("shared", "$share/g/ret/#", 1);
        publisher.publish(MARKER, "end", 2);
        assertEquals(List.of(), shared.received().payloadsUntilMarker(MARKER));
    }

    @Test
    void badSharedNamesAreRefusedWith0x80AndTheAclAppliesToTheFilter() throws Exception {
        Authorizer noSecrets = new Authorizer() {
            @Override
            public boolean canPublish(ClientIdentity client, String topic) {
                return true;
            }

            @Override
            public boolean canSubscribe(ClientIdentity client, String topicFilter) {
                return !topicFilter.startsWith("secret");
            }
        };
        start(List.of(noSecrets));
        RawMqttClient client = raw("bad", true);
        for (String bad :
                List.of("$share/g", "$share//t", "$share/g+/t", "$share/#/t", "$share/g/", "$share/g/a/#/b")) {
            assertEquals(0x80, subscribe(client, bad, 1), bad);
        }
        assertEquals(0x80, subscribe(client, "$share/g/secret/#", 1), "the filter is refused by the ACL");
        assertEquals(1, subscribe(client, "$share/secret/open", 1), "a group name is not a filter");
    }

    @Test
    void aFullMemberIsSkippedAndItsUnacknowledgedMessagesGoToAnotherWhenItDisconnects() throws Exception {
        start("mqtt.max-inflight-messages = 2");
        RawMqttClient slow = raw("slow", true);
        assertEquals(1, subscribe(slow, "$share/g/work", 1));
        Paho.Client fast = member("fast", "$share/g/work", 1);
        Paho.Client publisher = paho.connect("publisher");
        List<String> sent = numbers(10);
        publishAll(publisher, "work", sent, 1);

        Set<String> held = new HashSet<>();
        held.add(payload(slow.expect(PUBLISH)));
        held.add(payload(slow.expect(PUBLISH)));
        // What waits for the fast member's window is behind no marker: count what it gets instead.
        List<String> toFast = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            toFast.add(fast.received().next().payload());
        }
        assertTrue(slow.isSilent(), "the slow member's window is full: the rest went to the other");

        slow.close();
        toFast.add(fast.received().next().payload());
        toFast.add(fast.received().next().payload());
        assertEquals(new TreeSet<>(sent), new TreeSet<>(toFast), "every acknowledged message reached a member");
        assertEquals(sent.size(), toFast.size());
        assertTrue(toFast.containsAll(held));
        publisher.publish(MARKER, "end", 2);
        assertEquals(List.of(), fast.received().payloadsUntilMarker(MARKER), "nothing twice");
        ScrapedMetrics metrics = ScrapedMetrics.scrape(broker.broker().port("http"));
        String group = "{group=\"$share/g/work\"}";
        assertEquals(2, metrics.value("starling_shared_group_redistributed_total" + group));
        assertEquals(12, metrics.value("starling_shared_group_delivered_total" + group));
        assertEquals(0, metrics.value("starling_shared_group_queued" + group));
        assertEquals(1, metrics.value("starling_shared_group_members{group=\"$share/g/work\",state=\"online\"}"));
    }

    @Test
    void aQos2MessageAlreadySentIsNotSentToAnotherMember() throws Exception {
        start();
        RawMqttClient leaving = raw("leaving", true);
        assertEquals(2, subscribe(leaving, "$share/g/q", 2));
        Paho.Client staying = member("staying", "$share/g/q", 2);
        Paho.Client publisher = paho.connect("publisher");
        publisher.publish("q", "qos2", 2);
        assertEquals("qos2", payload(leaving.expect(PUBLISH)));
        publisher.publish("q", "to-staying", 1);
        publisher.publish("q", "qos1", 1);
        assertEquals("qos1", payload(leaving.expect(PUBLISH)));

        leaving.close();
        assertEquals("to-staying", staying.received().next().payload());
        assertEquals("qos1", staying.received().next().payload(), "the unacknowledged QoS 1 message moved");
        publisher.publish(MARKER, "end", 2);
        assertEquals(List.of(), staying.received().payloadsUntilMarker(MARKER), "the QoS 2 message did not move");
    }

    @Test
    void aTakenOverMembersUnacknowledgedMessagesGoToAnotherMember() throws Exception {
        start();
        RawMqttClient first = raw("member", false);
        assertEquals(1, subscribe(first, "$share/g/t", 1));
        Paho.Client other = member("other", "$share/g/t", 1);
        Paho.Client publisher = paho.connect("publisher");
        publisher.publish("t", "held", 1);
        assertEquals("held", payload(first.expect(PUBLISH)));

        RawMqttClient second = raw("member", false);
        assertEquals("held", other.received().next().payload());
        publisher.publish(MARKER, "end", 2);
        assertEquals(List.of(), other.received().payloadsUntilMarker(MARKER));
        assertTrue(second.isSilent(), "the new connection does not get the message again");
    }

    @Test
    void offlineMembersGetNothingWhileAnotherIsOnline() throws Exception {
        start();
        RawMqttClient away = raw("away", false);
        assertEquals(1, subscribe(away, "$share/g/o", 1));
        Offline.disconnect(away);
        Paho.Client online = member("online", "$share/g/o", 1);
        Paho.Client publisher = paho.connect("publisher");
        List<String> sent = numbers(6);
        publishAll(publisher, "o", sent, 1);
        publisher.publish(MARKER, "end", 2);
        assertEquals(sent, online.received().payloadsUntilMarker(MARKER));

        RawMqttClient back = raw("away", false);
        assertTrue(back.isSilent(), "the offline member's session kept no share");
    }

    @Test
    void withNoMemberOnlineMessagesWaitInTheGroupsQueueForTheFirstToComeBack() throws Exception {
        start("sys-interval = 100ms");
        RawMqttClient one = raw("one", false);
        assertEquals(1, subscribe(one, "$share/g/w", 1));
        RawMqttClient two = raw("two", false);
        assertEquals(1, subscribe(two, "$share/g/w", 1));
        Offline.disconnect(one);
        Offline.disconnect(two);
        Paho.Client publisher = paho.connect("publisher");
        List<String> sent = numbers(5);
        publishAll(publisher, "w", sent, 1);
        Paho.Client sys = paho.connect("sys");
        sys.subscribe("$SYS/broker/shared/g/w/#", 0);
        Map<String, String> figures = new HashMap<>();
        while (figures.size() < 5) {
            Received.Msg msg = sys.received().next();
            figures.put(msg.topic().substring("$SYS/broker/shared/g/w/".length()), msg.payload());
        }
        assertEquals(
                Map.of(
                        "members/online", "0",
                        "members/offline", "2",
                        "messages/delivered", "0",
                        "messages/redistributed", "0",
                        "messages/queued", "5"),
                figures);

        RawMqttClient back = raw("two", false);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            Packet publish = back.expect(PUBLISH);
            got.add(payload(publish));
            back.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, packetId(publish)));
        }
        assertEquals(sent, got, "the group's queue, in order, to the member that came back");
    }

    @Test
    void hashByTopicKeepsEachTopicOnOneMemberInOrder() throws Exception {
        start("shared-subscriptions.strategy = hash-topic");
        Paho.Client m1 = member("m1", "$share/h/h/+", 1);
        Paho.Client m2 = member("m2", "$share/h/h/+", 1);
        Paho.Client publisher = paho.connect("publisher");
        for (int round = 0; round < 3; round++) {
            for (int topic = 0; topic < 6; topic++) {
                publisher.publish("h/" + topic, topic + ":" + round, 1);
            }
        }
        publisher.publish(MARKER, "end", 2);
        Map<String, List<String>> byTopic = new HashMap<>();
        Map<String, String> memberOfTopic = new HashMap<>();
        for (Paho.Client member : List.of(m1, m2)) {
            for (Received.Msg msg : member.received().untilMarker(MARKER)) {
                byTopic.computeIfAbsent(msg.topic(), t -> new ArrayList<>()).add(msg.payload());
                String previous = memberOfTopic.put(msg.topic(), member.mqtt().getClientId());
                assertTrue(previous == null || previous.equals(member.mqtt().getClientId()), msg.topic());
            }
        }
        assertEquals(6, byTopic.size());
        byTopic.forEach((topic, payloads) -> assertEquals(
                List.of(topic.substring(2) + ":0", topic.substring(2) + ":1", topic.substring(2) + ":2"), payloads));
        assertEquals(2, new HashSet<>(memberOfTopic.values()).size(), "both members have topics");
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "local-first", "hash-client-id"})
    void everyStrategyGivesEachMessageToOneMember(String strategy) throws Exception {
        start("shared-subscriptions.strategy = " + strategy);
        Paho.Client m1 = member("m1", "$share/s/each", 1);
        Paho.Client m2 = member("m2", "$share/s/each", 1);
        Paho.Client publisher = paho.connect("publisher");
        List<String> sent = numbers(20);
        publishAll(publisher, "each", sent, 1);
        publisher.publish(MARKER, "end", 2);
        List<String> got = new ArrayList<>(m1.received().payloadsUntilMarker(MARKER));
        got.addAll(m2.received().payloadsUntilMarker(MARKER));
        assertEquals(sent.size(), got.size(), "each message once");
        assertEquals(new TreeSet<>(sent), new TreeSet<>(got));
    }

    @Test
    void aGroupsOwnStrategyOverridesTheDefault() throws Exception {
        start("shared-subscriptions.group-strategies = [\"s:sticky\"]");
        Paho.Client s1 = member("s1", "$share/s/st", 1);
        Paho.Client s2 = member("s2", "$share/s/st", 1);
        Paho.Client r1 = member("r1", "$share/r/st", 1);
        Paho.Client r2 = member("r2", "$share/r/st", 1);
        Paho.Client publisher = paho.connect("publisher");
        publishAll(publisher, "st", numbers(8), 1);
        publisher.publish(MARKER, "end", 2);
        Set<Integer> stickySizes = Set.of(
                s1.received().untilMarker(MARKER).size(),
                s2.received().untilMarker(MARKER).size());
        assertEquals(Set.of(0, 8), stickySizes, "sticky: one member takes all while it can");
        assertEquals(4, r1.received().untilMarker(MARKER).size(), "the default stays round-robin");
        assertEquals(4, r2.received().untilMarker(MARKER).size());
    }

    @Test
    void unknownStrategyStopsStartUp() {
        Exception refused = assertThrows(Exception.class, () -> start("shared-subscriptions.strategy = fastest"));
        assertTrue(refused.getMessage().contains("unknown strategy 'fastest'"), refused.getMessage());
    }

    @Test
    void aMemberLostMidStreamLosesNoAcknowledgedMessage() throws Exception {
        start();
        Paho.Client lost = member("lost", "$share/g/stream", 1);
        Paho.Client one = member("one", "$share/g/stream", 1);
        Paho.Client two = member("two", "$share/g/stream", 1);
        // Paho counts a completed publish out of its window a little after the call returns.
        MqttConnectOptions options = Paho.options(true);
        options.setMaxInflight(100);
        Paho.Client publisher = paho.connect("publisher", options);
        List<String> sent = numbers(600);
        List<String> toLost = new ArrayList<>();
        for (String payload : sent) {
            publisher.publish("stream", payload, 1);
            if (payload.equals("300")) {
                // Its socket closes without DISCONNECT: whatever it has not acknowledged moves.
                lost.mqtt().disconnectForcibly(0, 0, false);
            }
        }
        while (true) {
            Received.Msg msg = lost.received().poll();
            if (msg == null) {
                break;
            }
            toLost.add(msg.payload());
        }
        publisher.publish(MARKER, "end", 2);
        List<String> toOthers = new ArrayList<>(one.received().payloadsUntilMarker(MARKER));
        toOthers.addAll(two.received().payloadsUntilMarker(MARKER));
        Set<String> reached = new HashSet<>(toOthers);
        reached.addAll(toLost);
        Await.until("every message reached a member", () -> {
            one.received().drainPayloads(toOthers);
            two.received().drainPayloads(toOthers);
            reached.addAll(toOthers);
            return reached.containsAll(sent);
        });
        Set<String> twice = new HashSet<>();
        Set<String> seen = new HashSet<>();
        for (String payload : toOthers) {
            if (!seen.add(payload)) {
                twice.add(payload);
            }
        }
        assertEquals(Set.of(), twice, "the members that stayed got each message once");
        Set<String> movedAgain = new HashSet<>(toOthers);
        movedAgain.retainAll(toLost);
        // Round-robin gives it about a third of the first 300, fewer when it had no room at its turn:
        // more than its in-flight window shows it acknowledged some before it went.
        assertTrue(toLost.size() > 32, "the lost member had its share before it went: " + toLost.size());
        assertTrue(movedAgain.size() <= 32, "only what the lost member had not acknowledged moved: " + movedAgain);
    }
}
