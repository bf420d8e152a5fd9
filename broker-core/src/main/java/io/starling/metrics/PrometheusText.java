package io.starling.metrics;

import io.starling.spi.ClusterStatistics;
import io.starling.spi.StoreStatistics;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;

/** Renders the metrics in the Prometheus text exposition format (version 0.0.4). */
public final class PrometheusText {

    private final StringBuilder out = new StringBuilder(4096);

    private PrometheusText() {}

    public static String render(MetricsSource source) {
        BrokerMetrics m = source.counters();
        PrometheusText text = new PrometheusText();
        text.gauge("starling_connections", "Client connections currently open.", m.connected());
        text.counter("starling_connections_total", "Client connections accepted since start.", m.connectionsTotal());
        text.counter(
                "starling_connections_rate_limited_total",
                "New connections closed because their listener's connection rate limit was exceeded.",
                m.connectionsRateLimited());
        text.gauge("starling_sessions", "Sessions on this node, connected or not.", source.sessionCount());
        text.header("starling_messages_received_total", "counter", "PUBLISH packets received from clients.");
        for (int qos = 0; qos <= 2; qos++) {
            text.sample("starling_messages_received_total{qos=\"" + qos + "\"}", m.received(qos));
        }
        text.header("starling_messages_sent_total", "counter", "PUBLISH packets sent to clients.");
        for (int qos = 0; qos <= 2; qos++) {
            text.sample("starling_messages_sent_total{qos=\"" + qos + "\"}", m.sent(qos));
        }
        text.header(
                "starling_messages_dropped_total",
                "counter",
                "Messages dropped (full queues, the budget of all queues).");
        for (int qos = 0; qos <= 2; qos++) {
            text.sample("starling_messages_dropped_total{qos=\"" + qos + "\"}", m.dropped(qos));
        }
        text.header(
                "starling_queue_limit_drops_total",
                "counter",
                "Messages not stored for a client (and dropped for it) at a store limit: of its queue or of all queues.");
        for (String limit : new String[] {"client", "total"}) {
            text.sample("starling_queue_limit_drops_total{limit=\"" + limit + "\"}", m.queueLimitDrops(limit));
        }
        text.counter(
                "starling_quota_exceeded_total",
                "MQTT 5 QoS 1/2 publishes answered 0x97 (Quota exceeded): every matching subscriber was at a store limit.",
                m.quotaExceededRefusals());
        text.gauge("starling_queued_messages", "Messages waiting in client queues in memory.", m.queued());
        text.gauge(
                "starling_queued_bytes",
                "Payload bytes waiting in client queues (bounded by max-queued-bytes-total).",
                m.queuedBytes());
        text.counter(
                "starling_publishers_paused_total",
                "Times a publisher's socket stopped being read because a queue it feeds was full (push-back).",
                m.publishersPaused());
        text.counter(
                "starling_slow_consumers_disconnected_total",
                "Clients disconnected because their full queue held publishers back longer than push-back-timeout.",
                m.slowConsumersDisconnected());
        text.counter("starling_bytes_received_total", "Bytes received from clients.", m.bytesReceived());
        text.counter("starling_bytes_sent_total", "Bytes sent to clients.", m.bytesSent());
        text.gauge("starling_subscriptions", "Subscriptions of all sessions.", m.subscriptions());
        text.gauge("starling_retained_messages", "Retained messages.", source.retainedMessages());
        StoreStatistics store = source.store();
        text.gauge("starling_store_size_bytes", "Bytes the message store occupies on disk.", store.sizeBytes());
        text.gauge(
                "starling_store_queued_bytes",
                "Bytes the stored queues are charged against the store's queue limits.",
                store.queuedBytes());
        text.counter(
                "starling_store_expired_messages_removed_total",
                "Queued copies of messages whose Message Expiry passed, removed from the store before their turn.",
                store.expiredMessagesRemoved());
        text.header("starling_store_commit_seconds", "summary", "Store commits (write and fsync) and their duration.");
        text.sample("starling_store_commit_seconds_count", store.commits());
        text.sample("starling_store_commit_seconds_sum", store.commitNanos() / 1e9);
        text.header("starling_auth_failures_total", "counter", "Connections refused by authentication.");
        text.sample("starling_auth_failures_total{reason=\"bad_username_or_password\"}", m.authBadCredentials());
        text.sample("starling_auth_failures_total{reason=\"not_authorized\"}", m.authNotAuthorized());
        text.counter(
                "starling_auth_held_back_total",
                "CONNECTs refused or delayed without asking the auth plugins because"
                        + " their address or user name had too many failed authentications (refused ones are also in"
                        + " starling_auth_failures_total{reason=\"not_authorized\"}).",
                m.loginsHeldBack());
        ClusterStatistics cluster = source.cluster();
        text.gauge("starling_cluster_members", "Cluster members, this node included.", cluster.members());
        text.gauge(
                "starling_cluster_safe",
                "1 when the cluster's shared state (client id owners, session records) has every backup copy,"
                        + " so a member may be lost or stopped; 0 while copies are made after a member joined or left.",
                cluster.backupsInSync() ? 1 : 0);
        text.counter(
                "starling_cluster_messages_forwarded_total",
                "Messages sent to other cluster nodes (once per receiving node).",
                cluster.messagesForwarded());
        text.counter(
                "starling_cluster_messages_received_total",
                "Messages other cluster nodes forwarded to this one.",
                cluster.messagesReceived());
        text.counter(
                "starling_cluster_forward_failures_total",
                "QoS 1/2 messages another node did not acknowledge (its publisher was not acknowledged either).",
                cluster.forwardFailures());
        text.header(
                "starling_cluster_forward_ack_seconds",
                "summary",
                "Batches sent to other nodes and the time until they acknowledged them (forwarding lag).");
        text.sample("starling_cluster_forward_ack_seconds_count", cluster.acknowledgedBatches());
        text.sample("starling_cluster_forward_ack_seconds_sum", cluster.acknowledgementNanos() / 1e9);
        text.gauge(
                "starling_cluster_pending",
                "Items waiting to be sent to other nodes or acknowledged by them.",
                cluster.pending());
        text.counter(
                "starling_cluster_queue_parts_sent_total",
                "Parts of moving sessions' queues sent to the sessions' new nodes.",
                cluster.queuePartsSent());
        text.gauge(
                "starling_cluster_queue_part_bytes_max",
                "Most bytes one part of a moving session's queue carried (bounded by move-queue-part-bytes).",
                cluster.largestQueuePartBytes());
        text.sharedGroups(source.sharedGroups());
        text.gauge("starling_uptime_seconds", "Seconds since the broker started.", m.uptimeSeconds());
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        text.gauge("starling_jvm_heap_used_bytes", "Heap in use (garbage not yet collected included).", heap.getUsed());
        text.gauge("starling_jvm_heap_max_bytes", "The heap's maximum size (-Xmx).", heap.getMax());
        return text.out.toString();
    }

    /** One sample per group of each figure, labelled with the group's {@code $share/...} name. */
    private void sharedGroups(List<SharedGroupFigures> groups) {
        if (groups.isEmpty()) {
            return;
        }
        header(
                "starling_shared_group_members",
                "gauge",
                "Members of each shared subscription group, online or offline.");
        for (SharedGroupFigures group : groups) {
            sample("starling_shared_group_members{" + label(group) + ",state=\"online\"}", group.membersOnline());
            sample("starling_shared_group_members{" + label(group) + ",state=\"offline\"}", group.membersOffline());
        }
        header(
                "starling_shared_group_delivered_total",
                "counter",
                "Messages given to a member of each shared subscription group (a redistributed one again).");
        groups.forEach(
                group -> sample("starling_shared_group_delivered_total{" + label(group) + "}", group.delivered()));
        header(
                "starling_shared_group_redistributed_total",
                "counter",
                "Unacknowledged messages taken back from a member whose connection ended, for another member.");
        groups.forEach(group ->
                sample("starling_shared_group_redistributed_total{" + label(group) + "}", group.redistributed()));
        header(
                "starling_shared_group_queued",
                "gauge",
                "Messages waiting in each shared subscription group's queue for a member that can take them.");
        groups.forEach(group -> sample("starling_shared_group_queued{" + label(group) + "}", group.queued()));
        header(
                "starling_shared_group_sent_on_total",
                "counter",
                "Messages of each shared subscription group that waited here with no member of this node online"
                        + " and went to another node with members online.");
        groups.forEach(group -> sample("starling_shared_group_sent_on_total{" + label(group) + "}", group.sentOn()));
    }

    /** The group label, escaped as the exposition format asks (backslash, double quote, line feed). */
    private static String label(SharedGroupFigures group) {
        String escaped =
                group.name().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return "group=\"" + escaped + "\"";
    }

    private void gauge(String name, String help, long value) {
        header(name, "gauge", help);
        sample(name, value);
    }

    private void counter(String name, String help, long value) {
        header(name, "counter", help);
        sample(name, value);
    }

    private void header(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, long value) {
        out.append(name).append(' ').append(value).append('\n');
    }

    private void sample(String name, double value) {
        out.append(name).append(' ').append(value).append('\n');
    }
}
