package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.SplitBrainProtectionListenerConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.starling.testing.FreePort;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code min-cluster-size} on real Hazelcast members (in this JVM, on 127.0.0.1): a cluster's
 * first member serves alone until the cluster formed; once it has seen the minimum, a member
 * left below it refuses the cluster's maps (here: its partner stopped), as the smaller side of
 * a split or a node that froze and finds itself alone does.
 */
class MinimumClusterSizeTest {

    @Test
    void aMemberLeftBelowTheMinimumRefusesTheClustersMapsButTheFirstMemberServesUntilTheClusterFormed()
            throws Exception {
        int one = FreePort.next();
        int two = FreePort.next();
        List<String> members = List.of("127.0.0.1:" + one, "127.0.0.1:" + two);
        String name = "min-cluster-size-" + ProcessHandle.current().pid();
        CountDownLatch lost = new CountDownLatch(1);
        Config firstConfig = TestSettings.protectedMember(name, one, members, 2).hazelcastConfig("first");
        firstConfig
                .getSplitBrainProtectionConfig(HazelcastSettings.PROTECTION)
                .addListenerConfig(new SplitBrainProtectionListenerConfig(event -> {
                    if (!event.isPresent()) {
                        lost.countDown();
                    }
                }));
        HazelcastInstance first = Hazelcast.newHazelcastInstance(firstConfig);
        HazelcastInstance second = null;
        try {
            first.getMap(SessionRecords.MAP).put("alone", "served");

            second = Hazelcast.newHazelcastInstance(
                    TestSettings.protectedMember(name, two, members, 2).hazelcastConfig("second"));
            assertEquals(2, first.getCluster().getMembers().size(), "members joined");
            second.shutdown();
            assertTrue(lost.await(30, TimeUnit.SECONDS), "the first member noticed it is below the minimum");

            assertThrows(
                    SplitBrainProtectionException.class,
                    () -> first.getMap(SessionRecords.MAP).put("below", "refused"));
            assertThrows(
                    SplitBrainProtectionException.class,
                    () -> first.getMap(QueueReplicas.MAP).get("below"),
                    "the copy of the queues too");
        } finally {
            if (second != null) {
                second.shutdown();
            }
            first.shutdown();
        }
    }
}
