package io.starling.storage.memory;

import io.starling.concurrent.Stages;
import io.starling.spi.RetainedStore;
import io.starling.spi.StoredMessage;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** Retained messages in a map, keyed by topic. */
public final class InMemoryRetainedStore implements RetainedStore {

    private final Map<String, StoredMessage> messages = new ConcurrentHashMap<>();

    @Override
    public Collection<StoredMessage> loadAll() {
        return List.copyOf(messages.values());
    }

    @Override
    public CompletionStage<Void> put(StoredMessage message) {
        messages.put(message.topic(), message);
        return Stages.DONE;
    }

    @Override
    public CompletionStage<Void> delete(String topic) {
        messages.remove(topic);
        return Stages.DONE;
    }

    @Override
    public void close() {
        // Nothing to release: the map goes with the process.
    }
}
