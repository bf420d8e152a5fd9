package io.starling.admin;

import io.starling.auth.AuthChain;
import io.starling.metrics.BrokerMetrics;
import io.starling.metrics.MetricsSource;
import io.starling.metrics.TopicTreeRates;
import io.starling.session.ConnectionDetails;
import io.starling.session.Session;
import io.starling.session.SessionRegistry;
import io.starling.session.SessionView;
import io.starling.spi.ClusterStatistics;
import io.starling.spi.NodeQuery;
import io.starling.spi.SubscriptionOptions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * This node's answers to the admin API's {@link NodeQuery}s: its figures, its sessions and
 * their subscriptions, and the operator's actions on them. Everything is computed when asked,
 * from counters that exist anyway and from each session read on its own thread: nothing is
 * added to the publish path.
 */
public final class LocalAnswers {

    /** The query kinds, shared with {@link ClusterAdmin}. */
    static final String NODE = "node";

    static final String SESSIONS = "sessions";
    static final String SESSION = "session";
    static final String SUBSCRIPTIONS = "subscriptions";
    static final String DISCONNECT = "disconnect";
    static final String DELETE_SESSION = "delete-session";
    static final String RELOAD_AUTH = "reload-auth";
    static final String REDIRECT = "redirect";
    static final String TOPIC_TREES = "topic-trees";

    private final Supplier<String> nodeId;
    private final String version;
    private final SessionRegistry sessions;
    private final MetricsSource metrics;
    private final AuthChain auth;
    private final Supplier<Map<String, Integer>> listeners;
    private final MessageRates rates;
    private final RedirectControl redirects;

    /**
     * @param listeners the ports of the open listeners by kind (ipv4, websockets, ...)
     * @param redirects where this node sends its clients
     */
    public LocalAnswers(
            Supplier<String> nodeId,
            String version,
            SessionRegistry sessions,
            MetricsSource metrics,
            AuthChain auth,
            Supplier<Map<String, Integer>> listeners,
            RedirectControl redirects) {
        this.nodeId = nodeId;
        this.version = version;
        this.sessions = sessions;
        this.metrics = metrics;
        this.auth = auth;
        this.listeners = listeners;
        this.redirects = redirects;
        this.rates = new MessageRates(metrics.counters(), System::nanoTime);
    }

    public CompletionStage<Serializable> answer(NodeQuery query) {
        return switch (query.kind()) {
            case NODE -> CompletableFuture.completedFuture(node());
            case SESSIONS -> views().thenApply(views -> sessionPage(views, query));
            case SESSION -> session(query.parameter("clientId", ""));
            case SUBSCRIPTIONS -> views().thenApply(views -> subscriptionPage(views, query));
            case DISCONNECT -> disconnect(query.parameter("clientId", ""));
            case DELETE_SESSION -> deleteSession(query.parameter("clientId", ""));
            case RELOAD_AUTH -> CompletableFuture.completedFuture(auth.reloadPlugins());
            case REDIRECT -> CompletableFuture.completedFuture(redirect(query));
            case TOPIC_TREES -> CompletableFuture.completedFuture(topicTrees(query));
            default -> CompletableFuture.failedFuture(new IllegalArgumentException("unknown query " + query.kind()));
        };
    }

    private LinkedHashMap<String, Object> node() {
        BrokerMetrics counters = metrics.counters();
        ClusterStatistics cluster = metrics.cluster();
        LinkedHashMap<String, Object> node = new LinkedHashMap<>();
        node.put("id", nodeId.get());
        node.put("version", version);
        node.put("uptimeSeconds", counters.uptimeSeconds());
        node.put("listeners", new LinkedHashMap<>(listeners.get()));
        node.put("connections", counters.connected());
        node.put("sessions", metrics.sessionCount());
        node.put("subscriptions", counters.subscriptions());
        node.put("messagesReceived", counters.receivedTotal());
        node.put("messagesSent", counters.sentTotal());
        node.put("messagesDropped", counters.dropped());
        MessageRates.Rates now = rates.now();
        node.put("receivedPerSecond", now.received());
        node.put("sentPerSecond", now.sent());
        node.put("droppedPerSecond", now.dropped());
        node.put("queued", counters.queued());
        node.put("queuedBytes", counters.queuedBytes());
        node.put("retained", metrics.retainedMessages());
        node.put("storeBytes", metrics.store().sizeBytes());
        node.put("members", cluster.members());
        node.put("forwarded", cluster.messagesForwarded());
        node.put("forwardFailures", cluster.forwardFailures());
        node.put("forwardPending", cluster.pending());
        long batches = cluster.acknowledgedBatches();
        node.put("forwardingLagMillis", batches == 0 ? 0.0 : cluster.acknowledgementNanos() / 1e6 / batches);
        return node;
    }

    /** This node's messages per second per topic tree, since the ask before (see {@link TopicTreeRates}). */
    private LinkedHashMap<String, Object> topicTrees(NodeQuery query) {
        TopicTreeRates.Snapshot snapshot =
                metrics.counters().topicTrees().watch(Integer.parseInt(query.parameter("depth", "1")));
        ArrayList<Object> trees = new ArrayList<>(snapshot.trees().size());
        for (TopicTreeRates.TreeRate rate : snapshot.trees()) {
            LinkedHashMap<String, Object> tree = new LinkedHashMap<>();
            tree.put("tree", rate.tree());
            tree.put("perSecond", rate.perSecond());
            trees.add(tree);
        }
        LinkedHashMap<String, Object> answer = new LinkedHashMap<>();
        answer.put("seconds", snapshot.seconds());
        answer.put("trees", trees);
        return answer;
    }

    /** Every session here, each read on its own thread. */
    private CompletionStage<List<SessionView>> views() {
        List<CompletableFuture<SessionView>> reads = new ArrayList<>();
        for (Session session : sessions.sessions()) {
            CompletableFuture<SessionView> read = new CompletableFuture<>();
            session.execute(() -> read.complete(session.view()));
            reads.add(read);
        }
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<SessionView> views = new ArrayList<>(reads.size());
            reads.forEach(read -> views.add(read.join()));
            views.sort(Comparator.comparing(SessionView::clientId));
            return views;
        });
    }

    /**
     * The first {@code offset + limit} sessions matching the search (by client id), and how many
     * match in all: the cluster-wide page is cut from the pages of all nodes.
     */
    private LinkedHashMap<String, Object> sessionPage(List<SessionView> views, NodeQuery query) {
        String search = query.parameter("q", "").toLowerCase(Locale.ROOT);
        boolean connectedOnly = Boolean.parseBoolean(query.parameter("connected", "false"));
        int wanted = Page.wanted(query);
        Page page = new Page();
        for (SessionView view : views) {
            if ((connectedOnly && view.connection() == null) || !matches(view, search)) {
                continue;
            }
            page.count(view.clientId(), wanted, () -> summary(view));
        }
        return page.toAnswer();
    }

    private static boolean matches(SessionView view, String search) {
        if (search.isEmpty() || view.clientId().toLowerCase(Locale.ROOT).contains(search)) {
            return true;
        }
        ConnectionDetails connection = view.connection();
        return connection != null
                && ((connection.userName() != null
                                && connection
                                        .userName()
                                        .toLowerCase(Locale.ROOT)
                                        .contains(search))
                        || connection.address().contains(search));
    }

    private LinkedHashMap<String, Object> summary(SessionView view) {
        LinkedHashMap<String, Object> item = new LinkedHashMap<>();
        item.put("clientId", view.clientId());
        item.put("node", nodeId.get());
        item.put("connected", view.connection() != null);
        item.put("persistent", view.persistent());
        ConnectionDetails connection = view.connection();
        if (connection != null) {
            item.put("address", connection.address());
            item.put("userName", connection.userName());
            item.put("protocol", protocolName(connection.protocolLevel()));
            item.put("keepAlive", connection.keepAliveSeconds());
            item.put("connectedSince", connection.connectedAtMillis());
        }
        item.put("subscriptions", view.subscriptions().size());
        item.put("inFlight", view.inFlight());
        item.put("queued", view.queued());
        return item;
    }

    private static String protocolName(int level) {
        return switch (level) {
            case 3 -> "3.1";
            case 4 -> "3.1.1";
            case 5 -> "5.0";
            default -> "level " + level;
        };
    }

    private CompletionStage<Serializable> session(String clientId) {
        return onSession(clientId, null, session -> {
            SessionView view = session.view();
            LinkedHashMap<String, Object> item = summary(view);
            ArrayList<Object> subscriptions = new ArrayList<>();
            view.subscriptions().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(entry ->
                            subscriptions.add(subscription(view.clientId(), entry.getKey(), entry.getValue())));
            item.put("subscriptionList", subscriptions);
            return item;
        });
    }

    /** The task's result, run on the client's session thread; {@code absent} when it has no session here. */
    private CompletionStage<Serializable> onSession(
            String clientId, Serializable absent, Function<Session, Serializable> task) {
        Session session = sessions.get(clientId);
        if (session == null) {
            return CompletableFuture.completedFuture(absent);
        }
        CompletableFuture<Serializable> result = new CompletableFuture<>();
        session.execute(() -> result.complete(task.apply(session)));
        return result;
    }

    private LinkedHashMap<String, Object> subscription(String clientId, String filter, int options) {
        LinkedHashMap<String, Object> item = new LinkedHashMap<>();
        item.put("filter", filter);
        item.put("qos", SubscriptionOptions.qos(options));
        item.put("clientId", clientId);
        item.put("node", nodeId.get());
        return item;
    }

    /** Subscriptions whose filter is {@code filter} (if given) and contains the search text, by filter then client. */
    private LinkedHashMap<String, Object> subscriptionPage(List<SessionView> views, NodeQuery query) {
        String exact = query.parameter("filter", "");
        String search = query.parameter("q", "");
        List<Object[]> found = new ArrayList<>();
        for (SessionView view : views) {
            view.subscriptions().forEach((filter, qos) -> {
                if ((exact.isEmpty() || filter.equals(exact))
                        && (search.isEmpty()
                                || filter.contains(search)
                                || view.clientId().contains(search))) {
                    found.add(new Object[] {filter, view.clientId(), qos});
                }
            });
        }
        found.sort(
                Comparator.comparing((Object[] entry) -> (String) entry[0]).thenComparing(entry -> (String) entry[1]));
        int wanted = Page.wanted(query);
        Page page = new Page();
        for (Object[] entry : found) {
            page.count(
                    entry[0] + "\u0000" + entry[1],
                    wanted,
                    () -> subscription((String) entry[1], (String) entry[0], (Integer) entry[2]));
        }
        return page.toAnswer();
    }

    /**
     * The node named in the query redirects its clients as the query's {@code mode} says, or
     * with {@code clear} as its setting says: {@code {"redirect": mode now, "disconnected":
     * connections told to leave}}; others: null.
     */
    private LinkedHashMap<String, Object> redirect(NodeQuery query) {
        if (!query.parameter("node", "").equals(nodeId.get())) {
            return null;
        }
        int disconnected = Boolean.parseBoolean(query.parameter("clear", "false"))
                ? redirects.clearRedirect()
                : redirects.redirect(query.parameter("mode", ""));
        LinkedHashMap<String, Object> result = new LinkedHashMap<>();
        result.put("redirect", redirects.redirectMode());
        result.put("disconnected", disconnected);
        return result;
    }

    private CompletionStage<Serializable> disconnect(String clientId) {
        return onSession(clientId, false, Session::disconnectByOperator);
    }

    /**
     * Closes the client's connection as an operator's (so its log line says so), then removes the
     * session here, with what the store keeps for it.
     */
    private CompletionStage<Serializable> deleteSession(String clientId) {
        return onSession(clientId, false, session -> {
                    session.disconnectByOperator();
                    return true;
                })
                .thenCompose(found -> Boolean.TRUE.equals(found)
                        ? sessions.release(clientId, null, false).thenApply(released -> true)
                        : CompletableFuture.completedFuture(false));
    }
}
