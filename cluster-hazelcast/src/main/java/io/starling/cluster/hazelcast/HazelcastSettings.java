package io.starling.cluster.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.List;

/**
 * The keys under {@code starling.cluster.hazelcast}, typed and range-checked (a bad value stops
 * start-up with a message naming its key), and the one place that turns them into Hazelcast's
 * configuration ({@link #hazelcastConfig}).
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
        int maxPendingPerNode,
        int moveQueuePartBytes,
        boolean replicateQueues,
        int minClusterSize) {

    static final String PATH = "starling.cluster.hazelcast";
    /** The member attribute that carries a member's Starling node id. */
    static final String NODE_ATTRIBUTE = "starling.node";
    /** The split-brain protection of the cluster's maps ({@link #minClusterSize}). */
    static final String PROTECTION = "starling-min-cluster-size";

    /**
     * How long what a publish waits for on other members (a forward's acknowledgement, a write of
     * the copy of the queues or of an inbound QoS 2 id) may take: a frozen member is declared dead
     * within the member timeout, and its forwards go to the node taking its sessions over and its
     * partitions to their backups; failing earlier fails publishes that are delivered already in
     * part, and the publishers' resends deliver them twice.
     */
    Duration publishTimeout() {
        return memberTimeout.plus(requestTimeout);
    }

    static HazelcastSettings from(com.typesafe.config.Config config) {
        com.typesafe.config.Config c = config.getConfig(PATH);
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
                range(c, "max-pending-per-node", 16, 10_000_000),
                range(c, "move-queue-part-bytes", 1024, 64 * 1024 * 1024),
                c.getBoolean("replicate-queues"),
                range(c, "min-cluster-size", 0, 1000));
    }

    /**
     * The Hazelcast member of node {@code nodeId}: bound to {@link #memberHost} only, Hazelcast's
     * logging through slf4j, no phone-home, no shutdown hook (the broker stops it), member
     * failure detection and join waits from these settings, and with {@link #minClusterSize}
     * above 1 every {@code starling.*} map refusing reads and writes on a member that sees fewer
     * members ({@link MinimumClusterSize}).
     */
    Config hazelcastConfig(String nodeId) {
        Config config = new Config();
        config.setClusterName(clusterName);
        config.setInstanceName("starling-" + nodeId);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty(
                "hazelcast.heartbeat.interval.seconds", Long.toString(Math.max(1, heartbeatInterval.toSeconds())));
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(Math.max(2, memberTimeout.toSeconds())));
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.max.wait.seconds.before.join", Long.toString(joinSeconds()));
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        config.getMemberAttributeConfig().setAttribute(NODE_ATTRIBUTE, nodeId);
        String protection = null;
        if (minClusterSize > 1) {
            protection = PROTECTION;
            config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(PROTECTION, true, minClusterSize)
                    .setProtectOn(SplitBrainProtectionOn.READ_WRITE)
                    .setFunctionImplementation(new MinimumClusterSize(minClusterSize)));
            config.addMapConfig(new MapConfig("starling.*").setSplitBrainProtectionName(protection));
        }
        // Each session's copy is changed in place by entry processors: as bytes, every change
        // would copy the whole queue.
        config.addMapConfig(new MapConfig(QueueReplicas.MAP)
                .setInMemoryFormat(InMemoryFormat.OBJECT)
                .setBackupCount(1)
                .setSplitBrainProtectionName(protection));
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(memberPort).setPortAutoIncrement(false);
        network.setPublicAddress(memberHost + ":" + memberPort);
        network.getInterfaces().setEnabled(true).addInterface(memberHost);
        discovery(network.getJoin());
        return config;
    }

    /**
     * How a member finds the others: the fixed TCP/IP list {@link #members}, nothing else
     * (multicast and cloud auto-detection off). Another way (Kubernetes, DNS) is a key read in
     * {@link #from} and a branch here that enables its join config instead of TCP/IP.
     */
    private void discovery(JoinConfig join) {
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(joinSeconds());
    }

    private int joinSeconds() {
        return (int) Math.max(1, joinTimeout.toSeconds());
    }

    private static String nonBlank(com.typesafe.config.Config c, String key) {
        String value = c.getString(key);
        if (value.isBlank()) {
            throw new ConfigException.BadValue(PATH + "." + key, "must not be empty");
        }
        return value;
    }

    private static int range(com.typesafe.config.Config c, String key, int min, int max) {
        int value = c.getInt(key);
        if (value < min || value > max) {
            throw new ConfigException.BadValue(PATH + "." + key, "must be between " + min + " and " + max);
        }
        return value;
    }

    private static Duration positive(com.typesafe.config.Config c, String key, Duration min) {
        Duration value = c.getDuration(key);
        if (value.compareTo(min) < 0) {
            throw new ConfigException.BadValue(PATH + "." + key, "must be at least " + min.toMillis() + " ms");
        }
        return value;
    }
}
