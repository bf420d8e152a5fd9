package io.starling.spi;

import io.starling.concurrent.Stages;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Persistent session records. Every write returns a stage that completes once the write
 * is durable at the configured durability level; the broker sends CONNACK and SUBACK only
 * after it completes. Implementations must not block the calling thread. While the broker
 * runs, its session registry is the authority; the store is read back only at start-up.
 */
public interface SessionStore extends AutoCloseable {

    /** Every stored session, read once at start-up to rebuild routing for offline sessions. */
    Collection<SessionRecord> loadAll();

    /** Creates the record, or replaces it if it exists. */
    CompletionStage<Void> save(SessionRecord record);

    CompletionStage<Void> addSubscription(String clientId, String filter, int qos);

    CompletionStage<Void> removeSubscription(String clientId, String filter);

    /**
     * Records when the session ends without a connection (MQTT 5 Session Expiry): with its
     * connection's interval when a client connects, with the moment it went offline when the
     * connection ends. Nothing if there is no record of the client.
     */
    CompletionStage<Void> saveExpiry(String clientId, SessionExpiry expiry);

    /**
     * Keeps an MQTT 5 will that waits for its delay, replacing any the client had; read back
     * at start-up by {@link #loadWills}. A store that does not outlive the broker keeps none.
     */
    default CompletionStage<Void> saveWill(DelayedWill will) {
        return Stages.DONE;
    }

    /** Removes the client's waiting will (published, or cancelled by a new connection). */
    default CompletionStage<Void> deleteWill(String clientId) {
        return Stages.DONE;
    }

    /** The wills that were waiting when the broker stopped, read once at start-up. */
    default Collection<DelayedWill> loadWills() {
        return List.of();
    }

    /** Removes the record and every queued, in-flight and inbound QoS 2 entry of the client. */
    CompletionStage<Void> delete(String clientId);

    @Override
    void close();
}
