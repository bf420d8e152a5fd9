package io.starling.cluster.hazelcast;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Completes asynchronous calls in the order they were made, whatever order their answers come
 * in: each {@link #after} stage completes as its call did, once the ones before it completed.
 * The stages complete on {@code completer}, one thread, so that what waits for one (an
 * acknowledgement to a client) runs before the next completes, and never on the thread that
 * answered the call (Hazelcast's response threads must not be held up).
 */
final class CallOrder {

    private record Pending(CompletableFuture<Void> call, CompletableFuture<Void> ordered) {}

    /** Guarded by itself. */
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    private final Executor completer;

    /** @param completer a single thread */
    CallOrder(Executor completer) {
        this.completer = completer;
    }

    /** Call in the order of the calls. */
    CompletableFuture<Void> after(CompletableFuture<Void> call) {
        Pending next = new Pending(call, new CompletableFuture<>());
        synchronized (pending) {
            pending.addLast(next);
        }
        call.whenComplete((ignored, failure) -> completer.execute(this::completeInOrder));
        return next.ordered();
    }

    /** Completes the calls whose turn came, oldest first; on the completer thread. */
    private void completeInOrder() {
        while (true) {
            Pending done;
            synchronized (pending) {
                if (pending.isEmpty() || !pending.peekFirst().call().isDone()) {
                    return;
                }
                done = pending.removeFirst();
            }
            done.call().whenComplete((ignored, failure) -> {
                if (failure != null) {
                    done.ordered().completeExceptionally(failure);
                } else {
                    done.ordered().complete(null);
                }
            });
        }
    }
}
