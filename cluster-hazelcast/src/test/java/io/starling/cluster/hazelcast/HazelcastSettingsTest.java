package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class HazelcastSettingsTest {

    private static HazelcastSettings settings(String overrides) {
        return HazelcastSettings.from(ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.defaultReference())
                .resolve());
    }

    @Test
    void theMemberBindsToItsHostAndJoinsByTheListedMembersOnly() {
        HazelcastSettings settings = settings("""
                starling.cluster.hazelcast {
                  cluster-name = blue
                  member-host = "10.0.0.5"
                  member-port = 5802
                  members = ["10.0.0.5:5802", "10.0.0.6:5802"]
                  heartbeat-interval = 2s
                  member-timeout = 15s
                  join-timeout = 3s
                }
                """);
        Config config = settings.hazelcastConfig("node-1");

        assertEquals("blue", config.getClusterName());
        assertEquals("node-1", config.getMemberAttributeConfig().getAttribute(HazelcastSettings.NODE_ATTRIBUTE));
        assertEquals(5802, config.getNetworkConfig().getPort());
        assertFalse(config.getNetworkConfig().isPortAutoIncrement());
        assertEquals("10.0.0.5:5802", config.getNetworkConfig().getPublicAddress());
        assertEquals(
                List.of("10.0.0.5"),
                List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
        assertEquals("false", config.getProperty("hazelcast.socket.bind.any"));
        assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"));
        assertEquals("2", config.getProperty("hazelcast.heartbeat.interval.seconds"));
        assertEquals("15", config.getProperty("hazelcast.max.no.heartbeat.seconds"));
        assertEquals("3", config.getProperty("hazelcast.max.wait.seconds.before.join"));

        JoinConfig join = config.getNetworkConfig().getJoin();
        assertFalse(join.getMulticastConfig().isEnabled());
        assertFalse(join.getAutoDetectionConfig().isEnabled());
        assertTrue(join.getTcpIpConfig().isEnabled());
        assertEquals(
                List.of("10.0.0.5:5802", "10.0.0.6:5802"), join.getTcpIpConfig().getMembers());
        assertEquals(3, join.getTcpIpConfig().getConnectionTimeoutSeconds());
    }

    @Test
    void subSecondTimesBecomeHazelcastsSmallestSeconds() {
        Config config = settings("""
                        starling.cluster.hazelcast {
                          heartbeat-interval = 200ms
                          member-timeout = 2s
                          join-timeout = 1s
                        }
                        """).hazelcastConfig("n");
        assertEquals("1", config.getProperty("hazelcast.heartbeat.interval.seconds"));
        assertEquals("2", config.getProperty("hazelcast.max.no.heartbeat.seconds"));
        assertEquals(1, config.getNetworkConfig().getJoin().getTcpIpConfig().getConnectionTimeoutSeconds());
    }

    @Test
    void aBadValueIsRefusedNamingItsKey() {
        assertRefused("member-host = \"0.0.0.0\"", "starling.cluster.hazelcast.member-host");
        assertRefused("members = []", "starling.cluster.hazelcast.members");
        assertRefused("members = [\"10.0.0.5\"]", "starling.cluster.hazelcast.members");
        assertRefused("member-port = 70000", "starling.cluster.hazelcast.member-port");
        assertRefused("request-timeout = 10ms", "starling.cluster.hazelcast.request-timeout");
        assertRefused("cluster-name = \" \"", "starling.cluster.hazelcast.cluster-name");
        assertRefused("min-cluster-size = -1", "starling.cluster.hazelcast.min-cluster-size");
    }

    private static void assertRefused(String setting, String key) {
        ConfigException.BadValue refused =
                assertThrows(ConfigException.BadValue.class, () -> settings("starling.cluster.hazelcast." + setting));
        assertTrue(refused.getMessage().contains(key), refused.getMessage());
    }
}
