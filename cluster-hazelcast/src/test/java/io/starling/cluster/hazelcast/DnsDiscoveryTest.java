package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DnsDiscoveryTest {

    private static final Map<String, List<String>> ZONE = Map.of(
            "starling-members", List.of("10.0.0.5", "10.0.0.6", "fe80::1"),
            "node1", List.of("10.0.0.5"),
            "node2", List.of("10.0.0.6"));

    private static Config config(String hocon) {
        return ConfigFactory.parseString(hocon)
                .withFallback(ConfigFactory.parseResources("reference.conf"))
                .resolve();
    }

    private static InetAddress[] zone(String name) throws UnknownHostException {
        List<String> addresses = ZONE.get(name);
        if (addresses == null) {
            throw new UnknownHostException(name);
        }
        InetAddress[] result = new InetAddress[addresses.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = InetAddress.getByName(addresses.get(i));
        }
        return result;
    }

    private static List<String> members(Config config) {
        return config.getStringList(HazelcastSettings.PATH + ".members");
    }

    @Test
    void withoutNamesTheConfigurationIsUnchanged() {
        Config config = config("starling.cluster.hazelcast.members = [\"10.1.1.1:5701\"]");
        assertSame(config, new DnsDiscovery(DnsDiscoveryTest::zone).apply(config));
    }

    @Test
    void everyAddressOfTheHeadlessServiceAtTheMemberPortBecomesAMember() {
        Config resolved = new DnsDiscovery(DnsDiscoveryTest::zone)
                .apply(config("starling.cluster.hazelcast.members-dns.names = [starling-members]"));
        assertEquals(List.of("10.0.0.5:5701", "10.0.0.6:5701", "[fe80:0:0:0:0:0:0:1]:5701"), members(resolved));
        // What the cluster reads next accepts the result.
        assertEquals(members(resolved), HazelcastSettings.from(resolved).members());
    }

    @Test
    void severalNamesAndPortRangesAreCombinedWithoutRepeats() {
        Config resolved = new DnsDiscovery(DnsDiscoveryTest::zone)
                .apply(config("starling.cluster.hazelcast.members-dns { names = [node1, node2, node1],"
                        + " ports = [\"5701-5702\", 5701, 6000] }"));
        assertEquals(
                List.of(
                        "10.0.0.5:5701",
                        "10.0.0.5:5702",
                        "10.0.0.5:6000",
                        "10.0.0.6:5701",
                        "10.0.0.6:5702",
                        "10.0.0.6:6000"),
                members(resolved));
    }

    @Test
    void aMemberHostNameBecomesItsAddressAndAnAddressStays() {
        DnsDiscovery discovery = new DnsDiscovery(DnsDiscoveryTest::zone);
        assertEquals(
                "10.0.0.6",
                discovery
                        .apply(config("starling.cluster.hazelcast.member-host = node2"))
                        .getString(HazelcastSettings.PATH + ".member-host"));
        assertEquals(
                "10.9.9.9",
                discovery
                        .apply(config("starling.cluster.hazelcast.member-host = \"10.9.9.9\""))
                        .getString(HazelcastSettings.PATH + ".member-host"));
    }

    @Test
    void aNameIsRetriedUntilItResolves() {
        AtomicInteger calls = new AtomicInteger();
        DnsDiscovery discovery = new DnsDiscovery(name -> {
            if (calls.incrementAndGet() < 3) {
                throw new UnknownHostException(name);
            }
            return zone(name);
        });
        Config resolved = discovery.apply(config("starling.cluster.hazelcast.members-dns.names = [node1]"));
        assertEquals(List.of("10.0.0.5:5701"), members(resolved));
        assertEquals(3, calls.get());
    }

    @Test
    void namesThatNeverResolveStopStartUpNamingTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new DnsDiscovery(DnsDiscoveryTest::zone)
                        .apply(config(
                                "starling.cluster.hazelcast.members-dns { names = [nowhere, gone], timeout = 1ms }")));
        assertTrue(e.getMessage().contains("members-dns.names"), e.getMessage());
        assertTrue(e.getMessage().contains("[nowhere, gone] do not resolve"), e.getMessage());
    }

    @Test
    void aNameThatDoesNotResolveIsLeftOutWhenOthersDo() {
        // A stopped Compose node's name is gone from Docker's DNS; the others still start.
        Config resolved = new DnsDiscovery(DnsDiscoveryTest::zone)
                .apply(config(
                        "starling.cluster.hazelcast.members-dns { names = [node1, gone, node2], timeout = 1ms }"));
        assertEquals(List.of("10.0.0.5:5701", "10.0.0.6:5701"), members(resolved));
    }

    @Test
    void aMemberHostThatNeverResolvesStopsStartUp() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new DnsDiscovery(DnsDiscoveryTest::zone)
                        .apply(config("starling.cluster.hazelcast { member-host = gone, members-dns.timeout = 1ms }")));
        assertTrue(e.getMessage().contains("member-host"), e.getMessage());
    }

    @Test
    void theSystemResolverReadsTheHostsFile() {
        Config resolved = DnsDiscovery.resolve(config("starling.cluster.hazelcast.members-dns.names = [localhost]"));
        assertTrue(
                members(resolved).contains("127.0.0.1:5701"), members(resolved).toString());
    }

    @Test
    void badPortsAreRefusedNamingTheKey() {
        for (String bad : List.of("0", "70000", "5702-5701", "a", "1-2-3", "5701-")) {
            ConfigException e = assertThrows(ConfigException.class, () -> DnsDiscovery.ports(List.of(bad)), bad);
            assertTrue(e.getMessage().contains("members-dns.ports"), e.getMessage());
        }
        assertThrows(ConfigException.class, () -> DnsDiscovery.ports(List.of()));
        assertThrows(ConfigException.class, () -> DnsDiscovery.ports(List.of("1000-1200")));
    }
}
