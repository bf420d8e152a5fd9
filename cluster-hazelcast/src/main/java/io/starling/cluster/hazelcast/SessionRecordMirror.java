package io.starling.cluster.hazelcast;

import com.hazelcast.map.IMap;
import io.starling.concurrent.Stages;
import io.starling.spi.SessionExpiry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Mirrors this node's persistent-session writes into the cluster's {@link SessionRecords}, so
 * that another node can continue the sessions if this one is lost. Each write completes when
 * the record's partition owner applied it (or fails after the request timeout); once the node
 * closes, writes are skipped.
 */
final class SessionRecordMirror {

    private final String nodeId;
    private final Duration timeout;
    private final Consumer<String> written;
    private volatile IMap<String, String> records;
    private volatile boolean closed;

    /**
     * @param written told the client id once a record was saved or deleted: that session's routes
     *     are known everywhere by then (a session that moved here is reachable)
     */
    SessionRecordMirror(String nodeId, Duration timeout, Consumer<String> written) {
        this.nodeId = nodeId;
        this.timeout = timeout;
        this.written = written;
    }

    void start(IMap<String, String> recordMap) {
        this.records = recordMap;
    }

    void close() {
        closed = true;
    }

    /** The session is this node's, with these subscriptions and expiry. */
    CompletionStage<Void> saved(String clientId, Map<String, Integer> subscriptions, SessionExpiry expiry) {
        return kept(clientId, subscriptions, expiry).thenRun(() -> written.accept(clientId));
    }

    /** A session restored here at start stays here: the record names this node (no routes changed). */
    CompletionStage<Void> kept(String clientId, Map<String, Integer> subscriptions, SessionExpiry expiry) {
        return change(clientId, SessionRecords.Change.save(nodeId, subscriptions, expiry));
    }

    CompletionStage<Void> expiryChanged(String clientId, SessionExpiry expiry) {
        return change(clientId, SessionRecords.Change.expiry(nodeId, expiry));
    }

    CompletionStage<Void> subscribed(String clientId, String topicFilter, int qos) {
        return change(clientId, SessionRecords.Change.subscribe(nodeId, topicFilter, qos));
    }

    CompletionStage<Void> unsubscribed(String clientId, String topicFilter) {
        return change(clientId, SessionRecords.Change.unsubscribe(nodeId, topicFilter));
    }

    CompletionStage<Void> deleted(String clientId) {
        return change(clientId, SessionRecords.Change.delete(nodeId)).thenRun(() -> written.accept(clientId));
    }

    /** This node may use the session's packet ids up to {@code upTo}. */
    CompletionStage<Void> leased(String clientId, long upTo) {
        return change(clientId, SessionRecords.Change.lease(upTo));
    }

    private CompletionStage<Void> change(String clientId, SessionRecords.Change change) {
        IMap<String, String> map = records;
        if (map == null || closed) {
            return Stages.DONE;
        }
        return map.submitToKey(clientId, change)
                .toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(ignored -> null);
    }
}
