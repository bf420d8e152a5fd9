package io.starling.metrics;

import io.starling.spi.ClusterStatistics;
import io.starling.spi.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Publishes the broker's figures under {@code $SYS/broker/...} with Mosquitto's topic names,
 * retained and at QoS 0, every {@code sys-interval}. ($SYS retained messages are kept in
 * memory only: they describe the running process.)
 */
public final class SysTopics implements Runnable {

    private final MetricsSource source;
    /** Routes a message as published (metrics does not depend on routing, which counts into it). */
    private final Consumer<StoredMessage> publish;
    /** The next message id. */
    private final LongSupplier ids;

    private final String version;

    /** Acknowledged batches and their summed lag at the previous run, to average over the interval. */
    private long lastBatches;

    private long lastNanos;

    public SysTopics(MetricsSource source, Consumer<StoredMessage> publish, LongSupplier ids, String version) {
        this.source = source;
        this.publish = publish;
        this.ids = ids;
        this.version = version;
    }

    @Override
    public void run() {
        long now = System.currentTimeMillis();
        values().forEach((topic, value) -> publish.accept(new StoredMessage(
                ids.getAsLong(), "$SYS/broker/" + topic, 0, true, value.getBytes(StandardCharsets.UTF_8), now)));
    }

    Map<String, String> values() {
        BrokerMetrics m = source.counters();
        Map<String, String> values = new LinkedHashMap<>();
        values.put("version", "starling version " + version);
        values.put("uptime", m.uptimeSeconds() + " seconds");
        values.put("clients/connected", Long.toString(m.connected()));
        values.put("clients/total", Integer.toString(source.sessionCount()));
        values.put("clients/disconnected", Long.toString(Math.max(0, source.sessionCount() - m.connected())));
        values.put("messages/received", Long.toString(m.receivedTotal()));
        values.put("messages/sent", Long.toString(m.sentTotal()));
        values.put("publish/messages/received", Long.toString(m.receivedTotal()));
        values.put("publish/messages/sent", Long.toString(m.sentTotal()));
        values.put("publish/messages/dropped", Long.toString(m.dropped()));
        values.put("bytes/received", Long.toString(m.bytesReceived()));
        values.put("bytes/sent", Long.toString(m.bytesSent()));
        values.put("publish/messages/dropped/qos0", Long.toString(m.dropped(0)));
        values.put("publish/messages/dropped/qos1", Long.toString(m.dropped(1)));
        values.put("publish/messages/dropped/qos2", Long.toString(m.dropped(2)));
        values.put("messages/stored", Long.toString(m.queued()));
        values.put("store/messages/bytes", Long.toString(m.queuedBytes()));
        values.put("publishers/paused", Long.toString(m.publishersPaused()));
        values.put("subscriptions/count", Long.toString(m.subscriptions()));
        values.put("retained messages/count", Integer.toString(source.retainedMessages()));
        values.put("auth/failures", Long.toString(m.authBadCredentials() + m.authNotAuthorized()));
        values.put("auth/held-back", Long.toString(m.loginsHeldBack()));
        for (SharedGroupFigures group : source.sharedGroups()) {
            String prefix = "shared/" + topicLevels(group.name().substring("$share/".length())) + "/";
            values.put(prefix + "members/online", Integer.toString(group.membersOnline()));
            values.put(prefix + "members/offline", Integer.toString(group.membersOffline()));
            values.put(prefix + "messages/delivered", Long.toString(group.delivered()));
            values.put(prefix + "messages/redistributed", Long.toString(group.redistributed()));
            values.put(prefix + "messages/queued", Integer.toString(group.queued()));
            values.put(prefix + "messages/sent-on", Long.toString(group.sentOn()));
        }
        ClusterStatistics cluster = source.cluster();
        values.put("cluster/members", Integer.toString(cluster.members()));
        values.put("cluster/messages/forwarded", Long.toString(cluster.messagesForwarded()));
        values.put("cluster/messages/received", Long.toString(cluster.messagesReceived()));
        values.put("cluster/messages/failed", Long.toString(cluster.forwardFailures()));
        values.put("cluster/pending", Long.toString(cluster.pending()));
        values.put("cluster/latency", ackLatencyMillis(cluster));
        return values;
    }

    /**
     * Mean time other nodes took to acknowledge the batches acknowledged since the previous
     * run (as Mosquitto's load figures, a recent value rather than one since start).
     */
    /**
     * A group's {@code {group}/{filter}} as topic levels: a topic name cannot hold the filter's
     * wildcards, so {@code +} is written {@code %2B}, {@code #} {@code %23} (and {@code %} {@code %25}).
     */
    static String topicLevels(String groupAndFilter) {
        return groupAndFilter.replace("%", "%25").replace("+", "%2B").replace("#", "%23");
    }

    private String ackLatencyMillis(ClusterStatistics cluster) {
        long batches = cluster.acknowledgedBatches();
        long nanos = cluster.acknowledgementNanos();
        long newBatches = batches - lastBatches;
        double mean = newBatches > 0 ? (nanos - lastNanos) / 1e6 / newBatches : 0;
        lastBatches = batches;
        lastNanos = nanos;
        return String.format(Locale.ROOT, "%.3f", mean);
    }
}
