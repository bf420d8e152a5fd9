package io.starling.storage.mapdb;

import io.starling.spi.DelayedWill;
import io.starling.spi.SessionExpiry;
import io.starling.spi.SessionRecord;
import io.starling.spi.SessionStore;
import java.util.ArrayList;
import java.util.Collection;
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
                long[] expiry = tables.sessionExpiry.get(clientId);
                records.add(new SessionRecord(
                        clientId,
                        subscriptions,
                        expiry == null ? SessionExpiry.NEVER : new SessionExpiry(expiry[0], expiry[1])));
            }
            return records;
        });
    }

    @Override
    public CompletionStage<Void> save(SessionRecord record) {
        return writer.write(tables -> {
            tables.sessions.put(record.clientId(), Boolean.TRUE);
            putExpiry(tables, record.clientId(), record.expiry());
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
    public CompletionStage<Void> saveExpiry(String clientId, SessionExpiry expiry) {
        // An in-place change: a full store must not refuse a client's reconnect for it.
        return writer.update(tables -> {
            if (tables.sessions.containsKey(clientId)) {
                putExpiry(tables, clientId, expiry);
            }
        });
    }

    /** Sessions that never expire (every 3.1.1 session) have no row. */
    private static void putExpiry(StoreTables tables, String clientId, SessionExpiry expiry) {
        if (expiry.never()) {
            tables.sessionExpiry.remove(clientId);
        } else {
            tables.sessionExpiry.put(clientId, new long[] {expiry.intervalSeconds(), expiry.offlineSince()});
        }
    }

    @Override
    public CompletionStage<Void> removeSubscription(String clientId, String filter) {
        return writer.update(tables -> tables.subscriptions.remove(new Object[] {clientId, filter}));
    }

    @Override
    public CompletionStage<Void> delete(String clientId) {
        return writer.update(tables -> {
            tables.sessions.remove(clientId);
            tables.sessionExpiry.remove(clientId);
            tables.subscriptions.prefixSubMap(new Object[] {clientId}).clear();
            tables.dropClient(clientId);
        });
    }

    @Override
    public CompletionStage<Void> saveWill(DelayedWill will) {
        return writer.write(tables -> tables.wills.put(will.clientId(), WillCodec.encode(will)));
    }

    @Override
    public CompletionStage<Void> deleteWill(String clientId) {
        return writer.update(tables -> tables.wills.remove(clientId));
    }

    @Override
    public Collection<DelayedWill> loadWills() {
        return writer.read(tables -> tables.wills.entrySet().stream()
                .map(entry -> WillCodec.decode(entry.getKey(), entry.getValue()))
                .toList());
    }

    @Override
    public void close() {
        writer.close();
    }
}
