package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.starling.spi.ClusterNode;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * Claims of a client id whose session another node holds or held, over stand-in cluster maps:
 * what the claim finds and how many Hazelcast calls a CONNECT makes (each costs node CPU on
 * both ends, thousands at once in a failover storm).
 */
class ClientIdOwnershipTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, MapStandIn> maps =
            MapStandIn.partition(HazelcastClusterBus.OWNERS, SessionRecords.MAP, InboundQos2Records.MAP);
    private final MapStandIn owners = maps.get(HazelcastClusterBus.OWNERS);
    private final MapStandIn records = maps.get(SessionRecords.MAP);
    private final MapStandIn qos2 = maps.get(InboundQos2Records.MAP);
    private final ClusterNode node = mock(ClusterNode.class);
    private final Channel toC = mock(Channel.class);
    private Map<String, Channel> channels = new ConcurrentHashMap<>();
    private LostNodes lostNodes;
    private ClientIdOwnership ownership;

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /** Node a, with {@link #channels} to the live nodes; node c was lost unless it has one. */
    private void startNodeA() {
        HazelcastSettings settings = TestSettings.unstarted(Duration.ofMinutes(10), 256, 100);
        InboundQos2Records inboundQos2 = new InboundQos2Records();
        inboundQos2.start(qos2.map);
        LocalClaims claims = new LocalClaims();
        Map<String, Channel> live = channels;
        // Without copies of the queues: a session continued from its record takes the copy with a
        // call of its own (QueueReplicasTest), not counted here.
        QueueReplicas replicas = new QueueReplicas("a", settings.requestTimeout(), false);
        lostNodes = new LostNodes(
                "a", live, live::keySet, claims, new RemoteRoutes(), settings, timer, inboundQos2, replicas);
        ownership = new ClientIdOwnership(
                "a",
                channels,
                claims,
                lostNodes,
                new SessionMoves(channels, timer, settings.requestTimeout(), replicas),
                inboundQos2,
                live::keySet,
                new AtomicLong()::incrementAndGet,
                settings.requestTimeout(),
                new MovingQueues(
                        "a",
                        channels,
                        timer,
                        settings.requestTimeout(),
                        new ClusterCounters(() -> 2, () -> 0, () -> true),
                        settings.moveQueuePartBytes(),
                        replicas),
                replicas);
        lostNodes.start(node, owners.map, records.map);
        ownership.start(node, owners.map, records.map);
    }

    /** Client x's persistent session was on node c, with a QoS 2 message awaiting PUBREL. */
    private void sessionOfXOnC() {
        owners.data.put("x", "c/1");
        records.data.put("x", new SessionRecords.Value("c", 0, Map.of("t/#", 1)).format());
        qos2.data.put("x", "7,9");
    }

    private int calls() {
        return owners.calls() + records.calls() + qos2.calls();
    }

    /**
     * Node C leaves (nodeLeft runs) right after the claim looked its channel up and before the
     * hand-over request is filed: the claim must not wait the request timeout for a dead node.
     */
    @Test
    void aHolderThatLeavesWhileAskedIsNotWaitedFor() {
        channelToCThatLeavesWhenLookedUp();
        startNodeA();
        owners.data.put("x", "c/1");
        records.data.put("x", new SessionRecords.Value("c", 0, Map.of("t/#", 1)).format());

        CompletableFuture<Optional<SessionSnapshot>> claim =
                ownership.claim("x", false).toCompletableFuture();

        assertTrue(claim.isDone(), "the claim continued from the record without waiting for node C");
        assertEquals(Map.of("t/#", 1), claim.join().orElseThrow().subscriptions());
        assertEquals("a/2", owners.data.get("x"));
        verify(toC, never()).send(any(), any(), anyBoolean());
    }

    /** The same for a Clean Start: the session node C had ends instead. */
    @Test
    void aCleanStartWhoseHolderLeavesWhileAskedEndsItsSession() {
        channelToCThatLeavesWhenLookedUp();
        startNodeA();
        sessionOfXOnC();

        CompletableFuture<Optional<SessionSnapshot>> claim =
                ownership.claim("x", true).toCompletableFuture();

        assertTrue(claim.isDone(), "not waiting for node C");
        assertTrue(claim.join().isEmpty());
        assertNull(records.data.get("x"), "record removed");
        assertNull(qos2.data.get("x"), "QoS 2 ids removed");
        verify(toC, never()).send(any(), any(), anyBoolean());
    }

    /**
     * Node C leaves (nodeLeft runs) right after the claim looked its channel up and before the
     * hand-over request is filed: the claim must not wait the request timeout for a dead node.
     */
    private void channelToCThatLeavesWhenLookedUp() {
        channels = new ConcurrentHashMap<>() {
            @Override
            public Channel get(Object key) {
                Channel channel = super.get(key);
                if (channel != null && remove(key, channel)) {
                    ownership.nodeLeft((String) key);
                }
                return channel;
            }
        };
        channels.put("c", toC);
    }

    @Test
    void aPersistentReconnectAfterItsNodeWasLostIsOneCall() {
        startNodeA();
        sessionOfXOnC();
        int before = calls();

        SessionSnapshot continued =
                ownership.claim("x", false).toCompletableFuture().join().orElseThrow();

        assertEquals(1, calls() - before, "one Hazelcast call: claim, record and QoS 2 ids together");
        assertEquals(Map.of("t/#", 1), continued.subscriptions());
        assertEquals(Set.of(7, 9), continued.inboundQos2());
        assertEquals("a/2", owners.data.get("x"));
    }

    @Test
    void aCleanStartReconnectAfterItsNodeWasLostIsOneCall() {
        startNodeA();
        owners.data.put("x", "c/1");
        int before = calls();

        Optional<SessionSnapshot> claimed =
                ownership.claim("x", true).toCompletableFuture().join();

        assertEquals(1, calls() - before, "one Hazelcast call: the claim, nothing read");
        assertTrue(claimed.isEmpty());
        assertEquals("a/2", owners.data.get("x"));
    }

    @Test
    void aFirstConnectIsOneCallEitherWay() {
        startNodeA();
        int before = calls();

        assertTrue(ownership.claim("x", true).toCompletableFuture().join().isEmpty());
        assertTrue(ownership.claim("y", false).toCompletableFuture().join().isEmpty());

        assertEquals(2, calls() - before);
    }

    /**
     * A Clean Start ends a lost node's persistent session: its record and QoS 2 ids are gone (no
     * node continues it later), and a message the adopter relays for that session is not
     * delivered to the new one. The claim found the record; ending it takes two more calls.
     */
    @Test
    void aCleanStartEndsTheLostNodesSessionWithTheClaim() {
        startNodeA();
        sessionOfXOnC();
        when(node.deliverTo(any(), any())).thenReturn(CompletableFuture.completedFuture(null));
        lostNodes.nodeLost("c", "a");
        int before = calls();

        Optional<SessionSnapshot> claimed =
                ownership.claim("x", true).toCompletableFuture().join();

        assertEquals(3, calls() - before, "the claim, the record's end, the QoS 2 ids' removal");
        assertTrue(claimed.isEmpty(), "nothing of the old session");
        assertNull(records.data.get("x"), "record removed");
        assertNull(qos2.data.get("x"), "QoS 2 ids removed");
        assertEquals("a/2", owners.data.get("x"));
        StoredMessage message = new StoredMessage(1, "t/1", 1, false, "m".getBytes(StandardCharsets.UTF_8), 0);
        lostNodes
                .deliverHere(Set.of("x", "y"), message, false)
                .toCompletableFuture()
                .join();
        @SuppressWarnings("unchecked")
        ArgumentCaptor<Collection<String>> relayedTo = ArgumentCaptor.forClass(Collection.class);
        verify(node).deliverTo(relayedTo.capture(), any());
        assertEquals(Set.of("y"), Set.copyOf(relayedTo.getValue()), "not relayed to the new session of x");
    }

    /** The live node holding the session hands it over and deletes its record itself. */
    @Test
    void aCleanStartLeavesTheRecordOfTheLiveHolderToIt() {
        channels.put("c", toC);
        startNodeA();
        sessionOfXOnC();

        ownership.claim("x", true);

        verify(toC).send(any(ClusterMessage.Release.class), any(), anyBoolean());
        assertEquals(new SessionRecords.Value("c", 0, Map.of("t/#", 1)).format(), records.data.get("x"));
    }

    /**
     * Node C was lost, and the adopter already dropped its owner entries, but this node has not
     * noticed C leave yet: the record of C's session is ended all the same (it was found left
     * behind, to be continued by a later claim, by CleanStartAfterNodeLossTest).
     */
    @Test
    void aCleanStartEndsTheSessionOfANodeNotYetSeenLost() {
        channels.put("c", toC);
        startNodeA();
        sessionOfXOnC();
        owners.data.remove("x");

        assertTrue(ownership.claim("x", true).toCompletableFuture().join().isEmpty());

        assertNull(records.data.get("x"), "record removed");
        assertNull(qos2.data.get("x"), "QoS 2 ids removed");
        verify(toC, never()).send(any(), any(), anyBoolean());
    }
}
