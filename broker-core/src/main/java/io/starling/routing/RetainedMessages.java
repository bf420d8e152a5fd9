package io.starling.routing;

import io.starling.concurrent.Stages;
import io.starling.spi.RetainedStore;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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

    /**
     * Every retained message kept durably ({@code $SYS/} topics excluded): what another node
     * joining the cluster takes over.
     */
    public void forEachDurable(Consumer<StoredMessage> visitor) {
        index.forEach(message -> {
            if (!message.topic().startsWith(SYS_PREFIX)) {
                visitor.accept(message);
            }
        });
    }

    /**
     * Makes the retained messages those of the cluster, as another node had them: each of
     * {@code cluster} replaces this node's message of its topic unless that one is newer, and
     * this node's messages of topics the cluster does not have are deleted (they were deleted
     * while this node was away). Topics in {@code keep} changed while the cluster's messages
     * were on their way: their current message stays.
     *
     * @return the number of retained messages changed
     */
    public CompletionStage<Integer> reconcile(Map<String, StoredMessage> cluster, Set<String> keep) {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        forEachDurable(local -> {
            if (!cluster.containsKey(local.topic()) && !keep.contains(local.topic())) {
                index.remove(local.topic());
                writes.add(store.delete(local.topic()).toCompletableFuture());
            }
        });
        for (StoredMessage message : cluster.values()) {
            StoredMessage local = index.get(message.topic());
            boolean replaces = local == null || local.id() != message.id() && local.timestamp() <= message.timestamp();
            if (!keep.contains(message.topic()) && replaces) {
                writes.add(retain(message).toCompletableFuture());
            }
        }
        int changed = writes.size();
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).thenApply(ignored -> changed);
    }

    /** Every retained message matching the filter (each carries retain=1). */
    public void match(String filter, Consumer<StoredMessage> visitor) {
        index.match(filter, visitor);
    }

    public int size() {
        return index.size();
    }
}
