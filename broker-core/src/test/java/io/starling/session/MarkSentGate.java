package io.starling.session;

import io.starling.spi.MessageQueueStore;
import io.starling.spi.SessionContinuedElsewhereException;
import io.starling.testing.DelegatingQueueStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A store whose {@link #markSent} completes only when the test {@link #open}s (or {@link #refuse}s) it, and which asks
 * for QoS 2 PUBLISHes to wait for it, as the cluster's copy of the queues does.
 */
final class MarkSentGate extends DelegatingQueueStore {

    private final List<CompletableFuture<Void>> marks = new ArrayList<>();

    MarkSentGate(MessageQueueStore store) {
        super(store);
    }

    /** Completes the {@code index}th markSent made. */
    void open(int index) {
        marks.get(index).complete(null);
    }

    /** Fails the {@code index}th markSent made: another node holds the session now. */
    void refuse(int index, String clientId) {
        marks.get(index).completeExceptionally(new SessionContinuedElsewhereException(clientId));
    }

    @Override
    public CompletionStage<Void> markSent(String clientId, long messageId, int packetId) {
        CompletableFuture<Void> mark = new CompletableFuture<>();
        marks.add(mark);
        return store.markSent(clientId, messageId, packetId).thenCombine(mark, (stored, opened) -> null);
    }

    @Override
    public boolean publishWaitsForMarkSent() {
        return true;
    }
}
