package io.starling.cluster.hazelcast;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueFactory;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Hazelcast members by DNS when the node starts, for Kubernetes (the headless service
 * of a StatefulSet resolves to every pod) and Docker Compose (service names): when
 * {@code members-dns.names} is not empty, {@code members} becomes every address those names
 * resolve to, each with every port of {@code members-dns.ports}; a {@code member-host} given as
 * a name becomes the address it resolves to (Hazelcast binds to an interface address). The rest
 * of the cluster code sees an ordinary configuration with addresses. Only the system's
 * resolver is asked (hosts file, then DNS), nothing else on the network.
 *
 * <p>The names are resolved once, at start-up; Hazelcast keeps the members it joined from then
 * on. Names that do not resolve are asked again until {@code members-dns.timeout}; if none
 * resolves by then start-up fails with a message naming the key (better a restarted node than
 * one that starts a cluster of its own next to the others).
 */
final class DnsDiscovery {

    private static final Logger LOG = LoggerFactory.getLogger(DnsDiscovery.class);
    private static final String DNS = HazelcastSettings.PATH + ".members-dns";
    private static final int MAX_PORTS = 100;
    private static final Duration RETRY = Duration.ofSeconds(1);

    /** The system's resolver; a test passes its own. */
    interface Resolver {
        InetAddress[] resolve(String name) throws UnknownHostException;
    }

    private final Resolver resolver;

    DnsDiscovery(Resolver resolver) {
        this.resolver = resolver;
    }

    /** {@code config} with the names of {@code starling.cluster.hazelcast} resolved to addresses. */
    static Config resolve(Config config) {
        return new DnsDiscovery(InetAddress::getAllByName).apply(config);
    }

    Config apply(Config config) {
        List<String> names = config.getStringList(DNS + ".names");
        Duration timeout = config.getDuration(DNS + ".timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new ConfigException.BadValue(DNS + ".timeout", "must be positive");
        }
        Config resolved = config;
        String hostKey = HazelcastSettings.PATH + ".member-host";
        String host = config.getString(hostKey);
        if (!host.isBlank() && !isAddress(host)) {
            String address = literal(lookUp(List.of(host), hostKey, timeout).get(0));
            LOG.info("Cluster member host {} is {}.", host, address);
            resolved = resolved.withValue(hostKey, ConfigValueFactory.fromAnyRef(address, "resolved from " + host));
        }
        if (names.isEmpty()) {
            return resolved;
        }
        List<Integer> ports = ports(config.getStringList(DNS + ".ports"));
        Set<String> members = new LinkedHashSet<>();
        for (InetAddress address : lookUp(names, DNS + ".names", timeout)) {
            for (int port : ports) {
                members.add(hostPort(address, port));
            }
        }
        LOG.info("Cluster members found by DNS ({} at ports {}): {}.", names, ports, members);
        return resolved.withValue(
                HazelcastSettings.PATH + ".members",
                ConfigValueFactory.fromIterable(List.copyOf(members), "resolved from " + names));
    }

    /**
     * The addresses of {@code names}, asking again for those that do not resolve until all do or
     * {@code timeout} has passed. Names still unresolved then are left out with a warning (in
     * Docker Compose a stopped node's name is gone from Docker's DNS: the others must still
     * start); none resolved fails.
     */
    private List<InetAddress> lookUp(List<String> names, String key, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<String> wanted = new LinkedHashSet<>(names);
        Map<String, InetAddress[]> found = new LinkedHashMap<>();
        while (true) {
            for (String name : wanted) {
                if (!found.containsKey(name)) {
                    try {
                        InetAddress[] addresses = resolver.resolve(name);
                        if (addresses.length > 0) {
                            found.put(name, addresses);
                        }
                    } catch (UnknownHostException notYet) {
                        // A pod's own record appears shortly after the pod; the JVM caches failures 10 s.
                    }
                }
            }
            long left = deadline - System.nanoTime();
            if (found.size() == wanted.size() || left <= 0) {
                break;
            }
            LockSupport.parkNanos(Math.min(RETRY.toNanos(), left));
        }
        if (found.isEmpty()) {
            throw new ConfigException.BadValue(
                    key, names + " do not resolve to any address (tried for " + timeout.toSeconds() + " s)");
        }
        if (found.size() < wanted.size()) {
            Set<String> missing = new LinkedHashSet<>(wanted);
            missing.removeAll(found.keySet());
            LOG.warn("Cluster member names {} do not resolve; going on with {}.", missing, found.keySet());
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (InetAddress[] each : found.values()) {
            addresses.addAll(Arrays.asList(each));
        }
        return addresses;
    }

    /** Ports and ranges such as {@code 5701} or {@code 5701-5703}, in order, without repeats. */
    static List<Integer> ports(List<String> entries) {
        String key = DNS + ".ports";
        if (entries.isEmpty()) {
            throw new ConfigException.BadValue(key, "must list at least one port");
        }
        Set<Integer> ports = new LinkedHashSet<>();
        for (String entry : entries) {
            String[] bounds = entry.trim().split("-", -1);
            if (bounds.length > 2
                    || !bounds[0].matches("[0-9]{1,5}")
                    || !bounds[bounds.length - 1].matches("[0-9]{1,5}")) {
                throw new ConfigException.BadValue(key, "'" + entry + "' is not a port or a range like 5701-5703");
            }
            int first = Integer.parseInt(bounds[0]);
            int last = Integer.parseInt(bounds[bounds.length - 1]);
            if (first < 1 || last > 65535 || first > last) {
                throw new ConfigException.BadValue(key, "'" + entry + "' is not within 1-65535 in ascending order");
            }
            for (int port = first; port <= last; port++) {
                ports.add(port);
            }
        }
        if (ports.size() > MAX_PORTS) {
            throw new ConfigException.BadValue(key, "lists " + ports.size() + " ports, at most " + MAX_PORTS);
        }
        return new ArrayList<>(ports);
    }

    private static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static String hostPort(InetAddress address, int port) {
        String literal = literal(address);
        return (address instanceof Inet6Address ? "[" + literal + "]" : literal) + ":" + port;
    }

    /** The address without an IPv6 scope (Hazelcast's member list does not take one). */
    private static String literal(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }
}
