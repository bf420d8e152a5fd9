package io.starling.routing;

import io.starling.concurrent.Stages;
import io.starling.metrics.BrokerMetrics;
import io.starling.session.Session;
import io.starling.session.SessionRoutes;
import io.starling.spi.ClusterBus;
import io.starling.spi.SessionStore;
import io.starling.spi.SubscriptionOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Keeps a session's subscriptions, the routing trie, the cluster's view of this node's
 * filters and the session store in step. Called on the session's thread.
 */
public final class Subscriptions implements SessionRoutes {

    private final SubscriptionTrie<Session> trie;
    private final ClusterBus cluster;
    private final SessionStore store;
    private final BrokerMetrics metrics;
    private final SharedSubscriptions shared;

    public Subscriptions(
            SubscriptionTrie<Session> trie,
            SharedSubscriptions shared,
            ClusterBus cluster,
            SessionStore store,
            BrokerMetrics metrics) {
        this.trie = trie;
        this.shared = shared;
        this.cluster = cluster;
        this.store = store;
        this.metrics = metrics;
    }

    /**
     * Subscribes (or re-subscribes with a new QoS and options).
     *
     * @param qos the granted QoS with the subscription's options ({@link SubscriptionOptions})
     * @return completes when the subscription is durable and known to the cluster
     */
    public CompletionStage<Void> add(Session session, String filter, int qos) {
        if (session.subscribe(filter, qos)) {
            metrics.subscriptions(1);
        }
        CompletionStage<Void> routed = route(session, filter, qos);
        if (!session.isPersistent()) {
            return routed;
        }
        return Stages.both(routed, store.addSubscription(session.clientId(), filter, qos));
    }

    /** Unsubscribes; completes when durable. */
    public CompletionStage<Void> remove(Session session, String filter) {
        if (!session.unsubscribe(filter)) {
            return Stages.DONE;
        }
        metrics.subscriptions(-1);
        unroute(session, filter);
        return session.isPersistent() ? store.removeSubscription(session.clientId(), filter) : Stages.DONE;
    }

    @Override
    public void removeAll(Session session) {
        List<String> filters = new ArrayList<>(session.subscriptions().keySet());
        for (String filter : filters) {
            unroute(session, filter);
        }
        metrics.subscriptions(-filters.size());
        session.clearSubscriptions();
    }

    /** Completes, as {@link #add}, when every node knows this node has the filters. */
    @Override
    public CompletionStage<Void> restore(Session session) {
        CompletionStage<Void> routed = Stages.DONE;
        for (Map.Entry<String, Integer> subscription : session.subscriptions().entrySet()) {
            metrics.subscriptions(1);
            routed = Stages.both(routed, route(session, subscription.getKey(), subscription.getValue()));
        }
        return routed;
    }

    /**
     * Puts the subscription into the trie; completes when every node knows this node has the
     * filter: the first subscriber's announcement, which a later one may have to wait for too.
     */
    private CompletionStage<Void> route(Session session, String filter, int qos) {
        SharedFilter sharedFilter = SharedFilter.parse(filter);
        if (sharedFilter != null) {
            // Announced to the other nodes with its members online (SharedSubscriptions), not as a route.
            shared.join(session, sharedFilter, qos);
            return cluster.sharedGroupsKnown();
        }
        return trie.subscribe(filter, session, qos) ? cluster.filterAdded(filter) : cluster.filterKnown(filter);
    }

    private void unroute(Session session, String filter) {
        SharedFilter sharedFilter = SharedFilter.parse(filter);
        if (sharedFilter != null) {
            shared.leave(session, sharedFilter);
            return;
        }
        if (trie.unsubscribe(filter, session)) {
            cluster.filterRemoved(filter);
        }
    }
}
