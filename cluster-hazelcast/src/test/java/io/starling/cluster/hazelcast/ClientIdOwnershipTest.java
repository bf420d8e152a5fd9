package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.starling.spi.ClusterNode;
import io.starling.spi.SessionSnapshot;
import java.time.Duration;
import java.util.List;
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

/** Claims of a client id whose session another node holds, over stand-in cluster maps. */
class ClientIdOwnershipTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final MapStandIn owners = new MapStandIn();
    private final MapStandIn records = new MapStandIn();
    private final ClusterNode node = mock(ClusterNode.class);
    private final Channel toC = mock(Channel.class);
    private ClientIdOwnership ownership;

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /**
     * Node C leaves (nodeLeft runs) right after the claim looked its channel up and before the
     * hand-over request is filed: the claim must not wait the request timeout for a dead node.
     */
    @Test
    void aHolderThatLeavesWhileAskedIsNotWaitedFor() {
        Map<String, Channel> channels = new ConcurrentHashMap<>() {
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
        HazelcastSettings settings = new HazelcastSettings(
                "test",
                "127.0.0.1",
                5701,
                List.of("127.0.0.1:5701"),
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofSeconds(5),
                Duration.ofMinutes(10),
                256,
                1 << 20,
                100);
        InboundQos2Records inboundQos2 = new InboundQos2Records();
        LocalClaims claims = new LocalClaims();
        LostNodes lostNodes = new LostNodes(
                "a", channels, () -> Set.of("c"), claims, new RemoteRoutes(), settings, timer, inboundQos2);
        ownership = new ClientIdOwnership(
                "a",
                channels,
                claims,
                lostNodes,
                new SessionMoves(channels, timer, settings.requestTimeout()),
                inboundQos2,
                new AtomicLong()::incrementAndGet,
                settings.requestTimeout());
        lostNodes.start(node, owners.map, records.map);
        ownership.start(node, owners.map, records.map);
        owners.data.put("x", "c/1");
        records.data.put("x", new SessionRecords.Value("c", 0, Map.of("t/#", 1)).format());

        CompletableFuture<Optional<SessionSnapshot>> claim =
                ownership.claim("x", false).toCompletableFuture();

        assertTrue(claim.isDone(), "the claim continued from the record without waiting for node C");
        assertEquals(Map.of("t/#", 1), claim.join().orElseThrow().subscriptions());
        assertEquals("a/2", owners.data.get("x"));
        verify(toC, never()).send(any(), any(), anyBoolean());
    }
}
