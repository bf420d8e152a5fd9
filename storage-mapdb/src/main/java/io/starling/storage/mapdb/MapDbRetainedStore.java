package io.starling.storage.mapdb;

import io.starling.spi.RetainedStore;
import io.starling.spi.StoredMessage;
import java.util.Collection;
import java.util.concurrent.CompletionStage;

/** Retained messages in the MapDB store, keyed by topic. */
final class MapDbRetainedStore implements RetainedStore {

    private final StoreWriter writer;

    MapDbRetainedStore(StoreWriter writer) {
        this.writer = writer;
    }

    @Override
    public Collection<StoredMessage> loadAll() {
        return writer.read(tables ->
                tables.retained.values().stream().map(MessageCodec::decode).toList());
    }

    @Override
    public CompletionStage<Void> put(StoredMessage message) {
        byte[] encoded = MessageCodec.encode(message);
        return writer.write(tables -> tables.retained.put(message.topic(), encoded));
    }

    @Override
    public CompletionStage<Void> delete(String topic) {
        return writer.update(tables -> tables.retained.remove(topic));
    }

    @Override
    public void close() {
        writer.close();
    }
}
