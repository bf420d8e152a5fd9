package io.starling.storage.memory;

import io.starling.concurrent.Stages;
import io.starling.spi.SessionExpiry;
import io.starling.spi.SessionRecord;
import io.starling.spi.SessionStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** Session records in a map: they live as long as the process (the default for embedded use and tests). */
public final class InMemorySessionStore implements SessionStore {

    private final Map<String, SessionRecord> records = new ConcurrentHashMap<>();
    private final InMemoryMessageQueueStore queues;

    public InMemorySessionStore(InMemoryMessageQueueStore queues) {
        this.queues = queues;
    }

    @Override
    public Collection<SessionRecord> loadAll() {
        return List.copyOf(records.values());
    }

    @Override
    public CompletionStage<Void> save(SessionRecord record) {
        records.put(record.clientId(), record);
        return Stages.DONE;
    }

    @Override
    public CompletionStage<Void> addSubscription(String clientId, String filter, int qos) {
        return updateSubscriptions(clientId, subscriptions -> subscriptions.put(filter, qos));
    }

    @Override
    public CompletionStage<Void> removeSubscription(String clientId, String filter) {
        return updateSubscriptions(clientId, subscriptions -> subscriptions.remove(filter));
    }

    private CompletionStage<Void> updateSubscriptions(String clientId, Consumer<Map<String, Integer>> change) {
        records.computeIfPresent(clientId, (id, record) -> {
            Map<String, Integer> subscriptions = new HashMap<>(record.subscriptions());
            change.accept(subscriptions);
            return new SessionRecord(id, subscriptions, record.expiry());
        });
        return Stages.DONE;
    }

    @Override
    public CompletionStage<Void> saveExpiry(String clientId, SessionExpiry expiry) {
        records.computeIfPresent(clientId, (id, record) -> new SessionRecord(id, record.subscriptions(), expiry));
        return Stages.DONE;
    }

    @Override
    public CompletionStage<Void> delete(String clientId) {
        records.remove(clientId);
        queues.deleteClient(clientId);
        return Stages.DONE;
    }

    @Override
    public void close() {
        // Nothing to release: the map goes with the process.
    }
}
