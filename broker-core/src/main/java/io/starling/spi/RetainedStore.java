package io.starling.spi;

import java.util.Collection;
import java.util.concurrent.CompletionStage;

/**
 * Retained messages, one per topic. The broker keeps a topic index in memory for matching
 * subscription filters and uses the store for durability: it is read once at start-up.
 */
public interface RetainedStore extends AutoCloseable {

    Collection<StoredMessage> loadAll();

    /** Stores the message as the topic's retained message, replacing any earlier one. */
    CompletionStage<Void> put(StoredMessage message);

    CompletionStage<Void> delete(String topic);

    @Override
    void close();
}
