package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.starling.testing.FreePort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectClaim} on two real Hazelcast members (in this JVM, on 127.0.0.1), the key's
 * partition owned by the member the claim is not sent from: the session record and QoS 2 ids
 * are read on the partition owner within the one call.
 */
class ConnectClaimTest {

    private static HazelcastInstance caller;
    private static HazelcastInstance owner;

    @BeforeAll
    static void startMembers() throws Exception {
        int first = FreePort.next();
        int second = FreePort.next();
        List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        caller = Hazelcast.newHazelcastInstance(settings(first, members).hazelcastConfig("a"));
        owner = Hazelcast.newHazelcastInstance(settings(second, members).hazelcastConfig("b"));
        // newHazelcastInstance returns once the member joined.
        assertEquals(2, caller.getCluster().getMembers().size(), "members joined");
    }

    private static HazelcastSettings settings(int port, List<String> members) {
        return TestSettings.member(
                "connect-claim-" + ProcessHandle.current().pid(), port, members, Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopMembers() {
        if (owner != null) {
            owner.shutdown();
        }
        if (caller != null) {
            caller.shutdown();
        }
    }

    /** A client id whose partition the other member owns. */
    private static String keyOwnedByTheOther(String prefix) {
        for (int i = 0; ; i++) {
            String key = prefix + i;
            if (!caller.getPartitionService().getPartition(key).getOwner().localMember()) {
                return key;
            }
        }
    }

    private static IMap<String, String> map(String name) {
        return caller.getMap(name);
    }

    @Test
    void aContinuingClaimBringsTheRecordAndTheQos2Ids() throws Exception {
        String clientId = keyOwnedByTheOther("continuing-");
        String record = new SessionRecords.Value("lost", 7, Map.of("t/#", 1)).format();
        map(HazelcastClusterBus.OWNERS).set(clientId, "lost/3");
        map(SessionRecords.MAP).set(clientId, record);
        map(InboundQos2Records.MAP).set(clientId, "5,6");

        ConnectClaim.Result result = map(HazelcastClusterBus.OWNERS)
                .submitToKey(clientId, ConnectClaim.continuing("a"))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        assertEquals("lost/3", result.previousOwner());
        assertEquals(record, result.record());
        assertEquals("5,6", result.inboundQos2());
        assertEquals("a/4", map(HazelcastClusterBus.OWNERS).get(clientId));
        assertEquals(record, map(SessionRecords.MAP).get(clientId), "a continuing claim changes no record");
    }

    @Test
    void aFreshClaimFindsALostNodesSessionAndLostSessionEndEndsIt() throws Exception {
        String lostOne = keyOwnedByTheOther("fresh-lost-");
        String liveOne = keyOwnedByTheOther("fresh-live-");
        String lostRecord = new SessionRecords.Value("lost", 0, Map.of("t", 2)).format();
        String liveRecord = new SessionRecords.Value("b", 0, Map.of("t", 2)).format();
        map(HazelcastClusterBus.OWNERS).set(lostOne, "lost/1");
        map(SessionRecords.MAP).set(lostOne, lostRecord);
        map(HazelcastClusterBus.OWNERS).set(liveOne, "b/1");
        map(SessionRecords.MAP).set(liveOne, liveRecord);
        Set<String> live = Set.of("a", "b");

        ConnectClaim.Result found = map(HazelcastClusterBus.OWNERS)
                .submitToKey(lostOne, ConnectClaim.fresh("a", live))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
        ConnectClaim.Result foundLive = map(HazelcastClusterBus.OWNERS)
                .submitToKey(liveOne, ConnectClaim.fresh("a", live))
                .toCompletableFuture()
                .get(30, TimeUnit.SECONDS);

        assertEquals(lostRecord, found.record(), "the lost node's record, to end");
        assertNull(found.inboundQos2(), "a fresh claim reads nothing else");
        assertEquals("a/2", map(HazelcastClusterBus.OWNERS).get(lostOne));
        assertNull(foundLive.record(), "the live holder hands its session over and ends its record itself");
        assertEquals("a/2", map(HazelcastClusterBus.OWNERS).get(liveOne));

        assertEquals("lost", map(SessionRecords.MAP).executeOnKey(lostOne, new LostSessionEnd(live, "lost")));
        assertNull(map(SessionRecords.MAP).executeOnKey(liveOne, new LostSessionEnd(live, "b")));
        assertNull(map(SessionRecords.MAP).get(lostOne));
        assertEquals(liveRecord, map(SessionRecords.MAP).get(liveOne));
    }
}
