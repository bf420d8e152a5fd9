package io.starling.testing;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/** A queue store that passes every call to {@link #store}: tests override the calls they hold or change. */
public class DelegatingQueueStore implements MessageQueueStore {

    protected final MessageQueueStore store;

    public DelegatingQueueStore(MessageQueueStore store) {
        this.store = store;
    }

    @Override
    public CompletionStage<Void> append(
            StoredMessage message, Collection<DeliveryTarget> targets, InboundQos2Receipt receipt) {
        return store.append(message, targets, receipt);
    }

    @Override
    public CompletionStage<Void> markSent(String clientId, long messageId, int packetId) {
        return store.markSent(clientId, messageId, packetId);
    }

    @Override
    public CompletionStage<Void> markReleased(String clientId, long messageId) {
        return store.markReleased(clientId, messageId);
    }

    @Override
    public CompletionStage<Void> remove(String clientId, long messageId) {
        return store.remove(clientId, messageId);
    }

    @Override
    public List<QueuedMessage> load(String clientId) {
        return store.load(clientId);
    }

    @Override
    public Set<Integer> loadInboundQos2(String clientId) {
        return store.loadInboundQos2(clientId);
    }

    @Override
    public CompletionStage<Void> releaseInboundQos2(String clientId, int packetId) {
        return store.releaseInboundQos2(clientId, packetId);
    }

    @Override
    public void close() {
        store.close();
    }
}
