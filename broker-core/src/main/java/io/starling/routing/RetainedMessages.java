package io.starling.routing;

import io.starling.spi.RetainedStore;
import io.starling.spi.StoredMessage;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The retained message of each topic: indexed in memory for matching, kept durable by the
 * store. {@code $SYS/} topics describe the running process and are kept in memory only.
 */
public final class RetainedMessages {

    private static final String SYS_PREFIX = "$SYS/";

    private final RetainedIndex index = new RetainedIndex();
    private final RetainedStore store;

    public RetainedMessages(RetainedStore store) {
        this.store = store;
    }

    /** Loads the stored retained messages into the index. Runs once, at start-up. */
    public int restore() {
        store.loadAll().forEach(index::put);
        return index.size();
    }

    /**
     * Applies a PUBLISH with retain=1: an empty payload deletes the topic's retained message,
     * any other replaces it.
     */
    public CompletionStage<Void> retain(StoredMessage message) {
        boolean durable = !message.topic().startsWith(SYS_PREFIX);
        if (message.payload().length == 0) {
            index.remove(message.topic());
            return durable ? store.delete(message.topic()) : Stages.DONE;
        }
        StoredMessage retained = message.withRetain(true);
        index.put(retained);
        return durable ? store.put(retained) : Stages.DONE;
    }

    /** Every retained message matching the filter (each carries retain=1). */
    public void match(String filter, Consumer<StoredMessage> visitor) {
        index.match(filter, visitor);
    }

    public int size() {
        return index.size();
    }
}
