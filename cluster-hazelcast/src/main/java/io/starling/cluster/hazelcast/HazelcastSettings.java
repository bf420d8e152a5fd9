package io.starling.cluster.hazelcast;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.List;

/**
 * The keys under {@code starling.cluster.hazelcast}, typed and range-checked; a bad value stops
 * start-up with a message naming its key.
 */
record HazelcastSettings(
        String clusterName,
        String memberHost,
        int memberPort,
        List<String> members,
        Duration heartbeatInterval,
        Duration memberTimeout,
        Duration joinTimeout,
        Duration requestTimeout,
        int maxBatchMessages,
        int maxBatchBytes,
        int maxPendingPerNode) {

    static final String PATH = "starling.cluster.hazelcast";

    static HazelcastSettings from(Config config) {
        Config c = config.getConfig(PATH);
        String host = c.getString("member-host");
        if (host.isBlank() || host.equals("0.0.0.0") || host.equals("*") || host.equals("::")) {
            throw new ConfigException.BadValue(
                    PATH + ".member-host",
                    "must be this node's address, not a wildcard (members bind and advertise it)");
        }
        List<String> members = c.getStringList("members");
        if (members.isEmpty()) {
            throw new ConfigException.BadValue(PATH + ".members", "must list at least one host:port");
        }
        for (String member : members) {
            int colon = member.lastIndexOf(':');
            if (colon <= 0 || !member.substring(colon + 1).matches("[0-9]{1,5}")) {
                throw new ConfigException.BadValue(PATH + ".members", "'" + member + "' is not host:port");
            }
        }
        return new HazelcastSettings(
                nonBlank(c, "cluster-name"),
                host,
                range(c, "member-port", 1, 65535),
                List.copyOf(members),
                positive(c, "heartbeat-interval", Duration.ofMillis(100)),
                positive(c, "member-timeout", Duration.ofSeconds(2)),
                positive(c, "join-timeout", Duration.ofSeconds(1)),
                positive(c, "request-timeout", Duration.ofMillis(100)),
                range(c, "max-batch-messages", 1, 100_000),
                range(c, "max-batch-bytes", 1024, 64 * 1024 * 1024),
                range(c, "max-pending-per-node", 16, 10_000_000));
    }

    private static String nonBlank(Config c, String key) {
        String value = c.getString(key);
        if (value.isBlank()) {
            throw new ConfigException.BadValue(PATH + "." + key, "must not be empty");
        }
        return value;
    }

    private static int range(Config c, String key, int min, int max) {
        int value = c.getInt(key);
        if (value < min || value > max) {
            throw new ConfigException.BadValue(PATH + "." + key, "must be between " + min + " and " + max);
        }
        return value;
    }

    private static Duration positive(Config c, String key, Duration min) {
        Duration value = c.getDuration(key);
        if (value.compareTo(min) < 0) {
            throw new ConfigException.BadValue(PATH + "." + key, "must be at least " + min.toMillis() + " ms");
        }
        return value;
    }
}
