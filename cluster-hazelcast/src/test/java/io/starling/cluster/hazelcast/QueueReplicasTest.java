package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionContinuedElsewhereException;
import io.starling.spi.StoredMessage;
import io.starling.testing.FreePort;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link QueueReplicas} on two real Hazelcast members (in this JVM, on 127.0.0.1), with the map
 * configured as the broker configures it: the copy of a session's queue as a node that continues
 * the session takes it over, and the changes of the node it left refused from then on.
 */
class QueueReplicasTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static HazelcastInstance first;
    private static HazelcastInstance second;

    @BeforeAll
    static void startMembers() throws Exception {
        int one = FreePort.next();
        int two = FreePort.next();
        List<String> members = List.of("127.0.0.1:" + one, "127.0.0.1:" + two);
        first = Hazelcast.newHazelcastInstance(settings(one, members).hazelcastConfig("first"));
        second = Hazelcast.newHazelcastInstance(settings(two, members).hazelcastConfig("second"));
        assertEquals(2, first.getCluster().getMembers().size(), "members joined");
    }

    private static HazelcastSettings settings(int port, List<String> members) {
        return TestSettings.member("queue-replicas-" + ProcessHandle.current().pid(), port, members, TIMEOUT);
    }

    @AfterAll
    static void stopMembers() {
        if (second != null) {
            second.shutdown();
        }
        if (first != null) {
            first.shutdown();
        }
    }

    /** Node {@code nodeId} on one of the members. */
    private static QueueReplicas node(String nodeId, HazelcastInstance member) {
        QueueReplicas replicas = new QueueReplicas(nodeId, TIMEOUT, true);
        replicas.start(member.getMap(QueueReplicas.MAP));
        return replicas;
    }

    private static StoredMessage message(long id) {
        return new StoredMessage(id, "t/" + id, 2, false, ("m" + id).getBytes(StandardCharsets.UTF_8), 1_000L);
    }

    private static <T> T done(CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    /** Asserts that the change failed because another node holds the session; returns why. */
    private static Throwable continuedElsewhere(CompletionStage<Void> change) {
        CompletionException refused = assertThrows(CompletionException.class, () -> done(change));
        assertTrue(refused.getCause() instanceof SessionContinuedElsewhereException, refused.toString());
        return refused.getCause();
    }

    private static List<Long> ids(List<QueuedMessage> queue) {
        return queue.stream().map(queued -> queued.message().id()).toList();
    }

    /** What a client would get of each: message id, payload, RETAIN, QoS, packet id, PUBREC received. */
    private static List<String> described(List<QueuedMessage> queue) {
        return queue.stream()
                .map(queued -> queued.message().id() + " "
                        + new String(queued.message().payload(), StandardCharsets.UTF_8)
                        + " retain=" + queued.message().retain() + " qos=" + queued.qos() + " packet="
                        + queued.packetId()
                        + " released=" + queued.released())
                .toList();
    }

    @Test
    void aNodeThatContinuesTheSessionTakesItsQueueWithPacketIdsAndQos2State() {
        QueueReplicas a = node("a", first);
        QueueReplicas b = node("b", second);
        done(a.appended(message(1), List.of(new DeliveryTarget("x1", 2), new DeliveryTarget("y1", 1))));
        done(a.appended(message(2), List.of(new DeliveryTarget("x1", 1))));
        done(a.appended(message(3), List.of(new DeliveryTarget("x1", 2))));
        done(a.sent("x1", 1, 17));
        done(a.released("x1", 1));
        done(a.sent("x1", 2, 18));
        done(a.removed("x1", 2));

        List<QueuedMessage> taken = done(b.take("x1"));

        assertEquals(
                List.of(
                        "1 m1 retain=false qos=2 packet=17 released=true",
                        "3 m3 retain=false qos=2 packet=0 released=false"),
                described(taken));
        assertEquals(
                List.of("1 m1 retain=false qos=1 packet=0 released=false"),
                described(done(b.take("y1"))),
                "the other target of the same append");
        done(a.appended(message(4), List.of(new DeliveryTarget("z1", 1, true))));
        assertEquals(
                List.of("4 m4 retain=true qos=1 packet=0 released=false"),
                described(done(b.take("z1"))),
                "RETAIN as the target gets it");
    }

    @Test
    void theNodeTheSessionLeftCanNoLongerChangeItsCopy() {
        QueueReplicas a = node("a", first);
        QueueReplicas b = node("b", second);
        done(a.appended(message(11), List.of(new DeliveryTarget("x2", 1))));
        done(b.take("x2"));

        assertEquals(
                Set.of("x2"),
                done(a.appended(message(12), List.of(new DeliveryTarget("x2", 1), new DeliveryTarget("y2", 1)))),
                "the stale target is named, the other one appended");
        assertEquals(List.of(12L), ids(done(b.take("y2"))));
        continuedElsewhere(a.sent("x2", 11, 7));
        continuedElsewhere(a.released("x2", 11));
        done(a.removed("x2", 11));
        done(a.deleted("x2"));

        assertEquals(
                List.of("11 m11 retain=false qos=1 packet=0 released=false"),
                described(done(b.take("x2"))),
                "the old node's packet id, PUBREC, removal and delete refused");
        done(b.deleted("x2"));
        assertEquals(List.of(), done(b.take("x2")), "the owner's delete applies");
    }

    /** A lost node's session ended by a Clean Start elsewhere: its copy goes, but not a new session's. */
    @Test
    void theCopyOfALostNodesEndedSessionGoesUnlessANewSessionSetItsOwn() {
        QueueReplicas lost = node("lost", first);
        QueueReplicas b = node("b", second);
        done(lost.appended(message(61), List.of(new DeliveryTarget("x7", 1))));
        done(lost.appended(message(62), List.of(new DeliveryTarget("x8", 1))));
        done(b.startedAfresh("x8"));

        done(b.endedOnLostNode("x7", "lost"));
        done(b.endedOnLostNode("x8", "lost"));

        assertEquals(List.of(), done(b.take("x7")), "the ended session's copy is gone");
        done(b.appended(message(63), List.of(new DeliveryTarget("x8", 1))));
        assertEquals(List.of(63L), ids(done(node("c", first).take("x8"))), "the new session's copy stays");
    }

    /**
     * Hazelcast retries an operation that met a migrating partition, so a change can overtake
     * the append it follows: the message is sent (its packet id) or done with before its append
     * is applied.
     */
    @Test
    void changesThatOvertookTheirAppendStillApply() {
        QueueReplicas a = node("a", first);
        done(a.appended(message(21), List.of(new DeliveryTarget("x3", 2))));
        done(a.removed("x3", 22));
        done(a.appended(message(22), List.of(new DeliveryTarget("x3", 2))));
        done(a.sent("x3", 23, 9));
        done(a.released("x3", 23));
        done(a.appended(message(23), List.of(new DeliveryTarget("x3", 2))));

        assertEquals(
                List.of(
                        "21 m21 retain=false qos=2 packet=0 released=false",
                        "23 m23 retain=false qos=2 packet=9 released=true"),
                described(done(node("b", second).take("x3"))));
    }

    /**
     * Node c's own counter may be behind a's (both are seeded from the clock when the node
     * starts, c first here); what c queues after taking the session over still comes after what
     * it took.
     */
    @Test
    void whatTheNewNodeQueuesComesAfterWhatItTook() {
        QueueReplicas c = node("c", second);
        QueueReplicas a = node("a", first);
        for (long id = 31; id <= 33; id++) {
            done(a.appended(message(id), List.of(new DeliveryTarget("x4", 1))));
        }
        done(c.take("x4"));
        done(c.appended(message(34), List.of(new DeliveryTarget("x4", 1))));

        assertEquals(List.of(31L, 32L, 33L, 34L), ids(done(node("d", first).take("x4"))));
    }

    /**
     * A session handed over between live nodes: the node it left may still append what it had
     * routed to the session before letting go (it relays those to the new node); once another
     * node continues the session without it (from the record), it may not.
     */
    @Test
    void theNodeThatHandedTheSessionOverMayStillAppendUntilAnotherNodeTakesIt() {
        QueueReplicas a = node("a", first);
        QueueReplicas b = node("b", second);
        done(a.appended(message(51), List.of(new DeliveryTarget("x6", 1))));
        done(b.own("x6"));
        done(a.appended(message(52), List.of(new DeliveryTarget("x6", 1))));
        done(b.appended(message(52), List.of(new DeliveryTarget("x6", 1))));
        done(a.removed("x6", 51));
        QueueReplicas c = node("c", first);
        assertEquals(
                List.of(51L, 52L), ids(done(c.take("x6"))), "the old node's removal refused, its append kept once");

        assertEquals(
                Set.of("x6"),
                done(a.appended(message(53), List.of(new DeliveryTarget("x6", 1)))),
                "after a take, the node that handed it over is refused too");
    }

    @Test
    void aNodeKeepingARestoredSessionSetsTheCopyToItsOwnQueue() {
        QueueReplicas a = node("a", first);
        QueueReplicas b = node("b", second);
        done(a.appended(message(41), List.of(new DeliveryTarget("x5", 1))));
        done(b.reset(
                "x5",
                List.of(new QueuedMessage(message(42), 2, 5, true), new QueuedMessage(message(43), 1, 0, false))));

        assertEquals(
                List.of(
                        "42 m42 retain=false qos=2 packet=5 released=true",
                        "43 m43 retain=false qos=1 packet=0 released=false"),
                described(done(node("c", first).take("x5"))));
    }
}
