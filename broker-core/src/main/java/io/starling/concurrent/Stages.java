package io.starling.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Combining completion stages on the publish path without allocating when one side is
 * already done (in-memory storage and a single node complete everything at once), and the
 * one completed stage every module returns for work already done.
 */
public final class Stages {

    /** Already completed; its {@code toCompletableFuture()} is the same completed future. */
    public static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private Stages() {}

    /** Completes when both complete; fails if either fails. */
    public static CompletionStage<Void> both(CompletionStage<Void> first, CompletionStage<Void> second) {
        if (succeeded(first)) {
            return second;
        }
        if (succeeded(second)) {
            return first;
        }
        return first.thenCombine(second, (a, b) -> null);
    }

    /** Completes {@code target} when {@code stage} completes, with its failure if it fails. */
    public static void completeWhen(CompletionStage<Void> stage, CompletableFuture<Void> target) {
        stage.whenComplete((ignored, failure) -> {
            if (failure != null) {
                target.completeExceptionally(failure);
            } else {
                target.complete(null);
            }
        });
    }

    private static boolean succeeded(CompletionStage<Void> stage) {
        return stage instanceof CompletableFuture<Void> future && future.isDone() && !future.isCompletedExceptionally();
    }
}
