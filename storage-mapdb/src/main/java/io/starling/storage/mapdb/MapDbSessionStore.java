package io.starling.storage.mapdb;

import io.starling.spi.SessionRecord;
import io.starling.spi.SessionStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Persistent session records in the MapDB store. Subscriptions are stored one entry per
 * filter, so subscribing writes one small entry rather than the whole record.
 */
final class MapDbSessionStore implements SessionStore {

    private final StoreWriter writer;

    MapDbSessionStore(StoreWriter writer) {
        this.writer = writer;
    }

    @Override
    public List<SessionRecord> loadAll() {
        return writer.read(tables -> {
            List<SessionRecord> records = new ArrayList<>();
            for (String clientId : tables.sessions.keySet()) {
                Map<String, Integer> subscriptions = new HashMap<>();
                tables.subscriptions
                        .prefixSubMap(new Object[] {clientId})
                        .forEach((key, qos) -> subscriptions.put((String) key[1], qos));
                records.add(new SessionRecord(clientId, subscriptions));
            }
            return records;
        });
    }

    @Override
    public CompletionStage<Void> save(SessionRecord record) {
        return writer.write(tables -> {
            tables.sessions.put(record.clientId(), Boolean.TRUE);
            tables.subscriptions.prefixSubMap(new Object[] {record.clientId()}).clear();
            record.subscriptions()
                    .forEach((filter, qos) -> tables.subscriptions.put(new Object[] {record.clientId(), filter}, qos));
        });
    }

    @Override
    public CompletionStage<Void> addSubscription(String clientId, String filter, int qos) {
        return writer.write(tables -> {
            if (tables.sessions.containsKey(clientId)) {
                tables.subscriptions.put(new Object[] {clientId, filter}, qos);
            }
        });
    }

    @Override
    public CompletionStage<Void> removeSubscription(String clientId, String filter) {
        return writer.update(tables -> tables.subscriptions.remove(new Object[] {clientId, filter}));
    }

    @Override
    public CompletionStage<Void> delete(String clientId) {
        return writer.update(tables -> {
            tables.sessions.remove(clientId);
            tables.subscriptions.prefixSubMap(new Object[] {clientId}).clear();
            tables.dropClient(clientId);
        });
    }

    @Override
    public void close() {
        writer.close();
    }
}
