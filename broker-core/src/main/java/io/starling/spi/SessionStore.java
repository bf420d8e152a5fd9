package io.starling.spi;

import java.util.Collection;
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

    /** Removes the record and every queued, in-flight and inbound QoS 2 entry of the client. */
    CompletionStage<Void> delete(String clientId);

    @Override
    void close();
}
