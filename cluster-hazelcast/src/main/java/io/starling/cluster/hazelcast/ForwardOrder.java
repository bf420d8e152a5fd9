package io.starling.cluster.hazelcast;

import io.starling.concurrent.Stages;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Per sending node, forwarded messages are handed to the local broker in the order they came;
 * one that must wait (a lost node's message, until its sessions are placed) holds back the ones
 * after it. Called from the one thread that receives a node's frames.
 */
final class ForwardOrder {

    private static final CompletableFuture<Void> DONE = Stages.DONE.toCompletableFuture();

    /** Per sending node: when its items so far have been handed over. */
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /**
     * @param ready    when the item may go, apart from the items before it; null if at once
     * @param delivery hands the item over; its stage completes when the item is durable
     * @return the delivery's stage (failed if {@code ready} failed)
     */
    CompletableFuture<Void> inOrder(
            String source, CompletableFuture<Void> ready, Supplier<CompletionStage<Void>> delivery) {
        CompletableFuture<Void> previous = tails.get(source);
        boolean previousDone = previous == null || previous.isDone();
        if (previousDone && (ready == null || ready.isDone() && !ready.isCompletedExceptionally())) {
            return delivery.get().toCompletableFuture();
        }
        CompletableFuture<Void> start =
                CompletableFuture.allOf(previousDone ? DONE : previous, ready == null ? DONE : ready);
        CompletableFuture<CompletionStage<Void>> handed = start.thenApply(ignored -> delivery.get());
        tails.put(source, handed.handle((ignored, failure) -> null));
        return handed.thenCompose(stage -> stage);
    }

    /** The node left: nothing more comes from it. */
    void forget(String source) {
        tails.remove(source);
    }
}
