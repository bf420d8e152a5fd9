package io.starling.storage.memory;

import io.starling.concurrent.Stages;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Queued and in-flight messages in maps; the message object itself is shared, not copied. */
public final class InMemoryMessageQueueStore implements MessageQueueStore {

    /** One client's queue; guarded by its own monitor so clients never contend with each other. */
    private static final class ClientQueue {
        final Map<Long, QueuedMessage> messages = new LinkedHashMap<>();
        final Set<Integer> inboundQos2 = new HashSet<>();
    }

    private final Map<String, ClientQueue> queues = new ConcurrentHashMap<>();

    private ClientQueue queue(String clientId) {
        return queues.computeIfAbsent(clientId, id -> new ClientQueue());
    }

    @Override
    public CompletionStage<Void> append(
            StoredMessage message, Collection<DeliveryTarget> targets, InboundQos2Receipt receipt) {
        for (DeliveryTarget target : targets) {
            ClientQueue queue = queue(target.clientId());
            synchronized (queue) {
                queue.messages.put(
                        message.id(), new QueuedMessage(message.withRetain(target.retain()), target.qos(), 0, false));
            }
        }
        if (receipt != null) {
            ClientQueue queue = queue(receipt.clientId());
            synchronized (queue) {
                queue.inboundQos2.add(receipt.packetId());
            }
        }
        return Stages.DONE;
    }

    @Override
    public CompletionStage<Void> markSent(String clientId, long messageId, int packetId) {
        return update(
                clientId,
                messageId,
                queued -> new QueuedMessage(queued.message(), queued.qos(), packetId, queued.released()));
    }

    @Override
    public CompletionStage<Void> markReleased(String clientId, long messageId) {
        return update(
                clientId,
                messageId,
                queued -> new QueuedMessage(queued.message(), queued.qos(), queued.packetId(), true));
    }

    private CompletionStage<Void> update(String clientId, long messageId, UnaryOperator<QueuedMessage> change) {
        ClientQueue queue = queue(clientId);
        synchronized (queue) {
            queue.messages.computeIfPresent(messageId, (id, queued) -> change.apply(queued));
        }
        return Stages.DONE;
    }

    @Override
    public CompletionStage<Void> remove(String clientId, long messageId) {
        ClientQueue queue = queues.get(clientId);
        if (queue != null) {
            synchronized (queue) {
                queue.messages.remove(messageId);
            }
        }
        return Stages.DONE;
    }

    @Override
    public List<QueuedMessage> load(String clientId) {
        ClientQueue queue = queues.get(clientId);
        if (queue == null) {
            return List.of();
        }
        synchronized (queue) {
            return new ArrayList<>(queue.messages.values());
        }
    }

    @Override
    public Set<Integer> loadInboundQos2(String clientId) {
        ClientQueue queue = queues.get(clientId);
        if (queue == null) {
            return Set.of();
        }
        synchronized (queue) {
            return new HashSet<>(queue.inboundQos2);
        }
    }

    @Override
    public CompletionStage<Void> releaseInboundQos2(String clientId, int packetId) {
        ClientQueue queue = queues.get(clientId);
        if (queue != null) {
            synchronized (queue) {
                queue.inboundQos2.remove(packetId);
            }
        }
        return Stages.DONE;
    }

    /** Forgets everything of the client (its session ended). */
    void deleteClient(String clientId) {
        queues.remove(clientId);
    }

    @Override
    public void close() {
        // Nothing to release: the maps go with the process.
    }
}
