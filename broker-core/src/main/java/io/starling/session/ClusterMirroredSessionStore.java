package io.starling.session;

import io.starling.spi.ClusterBus;
import io.starling.spi.DelayedWill;
import io.starling.spi.SessionExpiry;
import io.starling.spi.SessionRecord;
import io.starling.spi.SessionStore;
import java.util.Collection;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's session store, with every write mirrored to the cluster (which keeps persistent
 * sessions' subscriptions for the case this node is lost). A write completes when both are
 * done; the store decides success, a failed cluster copy is only logged.
 */
public final class ClusterMirroredSessionStore implements SessionStore {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMirroredSessionStore.class);

    private final SessionStore store;
    private final ClusterBus cluster;

    public ClusterMirroredSessionStore(SessionStore store, ClusterBus cluster) {
        this.store = store;
        this.cluster = cluster;
    }

    @Override
    public Collection<SessionRecord> loadAll() {
        return store.loadAll();
    }

    @Override
    public CompletionStage<Void> save(SessionRecord record) {
        return both(store.save(record), cluster.sessionSaved(record), record.clientId());
    }

    @Override
    public CompletionStage<Void> addSubscription(String clientId, String filter, int qos) {
        return both(
                store.addSubscription(clientId, filter, qos),
                cluster.subscriptionSaved(clientId, filter, qos),
                clientId);
    }

    @Override
    public CompletionStage<Void> removeSubscription(String clientId, String filter) {
        return both(
                store.removeSubscription(clientId, filter), cluster.subscriptionRemoved(clientId, filter), clientId);
    }

    @Override
    public CompletionStage<Void> saveExpiry(String clientId, SessionExpiry expiry) {
        return both(store.saveExpiry(clientId, expiry), cluster.sessionExpirySaved(clientId, expiry), clientId);
    }

    @Override
    public CompletionStage<Void> delete(String clientId) {
        return both(store.delete(clientId), cluster.sessionDeleted(clientId), clientId);
    }

    /** Kept by this node only: the cluster has its own copy of connected clients' wills. */
    @Override
    public CompletionStage<Void> saveWill(DelayedWill will) {
        return store.saveWill(will);
    }

    @Override
    public CompletionStage<Void> deleteWill(String clientId) {
        return store.deleteWill(clientId);
    }

    @Override
    public Collection<DelayedWill> loadWills() {
        return store.loadWills();
    }

    private static CompletionStage<Void> both(
            CompletionStage<Void> stored, CompletionStage<Void> mirrored, String clientId) {
        CompletionStage<Void> tolerated = mirrored.exceptionally(failure -> {
            LOG.warn("The cluster's copy of the session of {} was not updated: {}", clientId, failure.toString());
            return null;
        });
        return stored.thenCombine(tolerated, (a, b) -> null);
    }

    @Override
    public void close() {
        store.close();
    }
}
