package io.starling.storage.mapdb;

import io.starling.concurrent.Stages;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueuePage;
import io.starling.spi.QueueRefusal;
import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** Queued and in-flight messages and inbound QoS 2 ids in the MapDB store; every call only queues work. */
final class MapDbMessageQueueStore implements MessageQueueStore {

    private final StoreWriter writer;
    private final UnappliedEntries unapplied = new UnappliedEntries();
    private final ExpiredMessages expired;

    MapDbMessageQueueStore(StoreWriter writer) {
        this.writer = writer;
        this.expired = new ExpiredMessages(writer);
        expired.start();
    }

    /** Removes now what the periodic pass would: the copies of messages expired before {@code now}. */
    CompletionStage<Integer> removeExpired(long now) {
        return expired.sweep(now);
    }

    @Override
    public CompletionStage<Void> append(
            StoredMessage message, Collection<DeliveryTarget> targets, InboundQos2Receipt receipt) {
        List<DeliveryTarget> copy = List.copyOf(targets);
        for (DeliveryTarget target : copy) {
            unapplied.queued(target.clientId(), message.id());
        }
        // One task, so the message, its queue entries and the receipt are in the same commit.
        return writer.write(new Consumer<>() {
            /** Decided when first applied: a rollback applies the task again with the same entries. */
            private List<KeptEntry> kept;

            @Override
            public void accept(StoreTables tables) {
                if (kept == null) {
                    kept = new ArrayList<>(copy.size());
                    for (DeliveryTarget target : copy) {
                        int packetId = unapplied.apply(target.clientId(), message.id());
                        if (packetId != UnappliedEntries.ACKNOWLEDGED) {
                            kept.add(new KeptEntry(target, packetId));
                        }
                    }
                }
                for (KeptEntry entry : kept) {
                    tables.enqueue(message, entry.target, entry.packetId);
                }
                if (receipt != null) {
                    tables.inboundQos2.put(new Object[] {receipt.clientId(), receipt.packetId()}, Boolean.TRUE);
                }
            }
        });
    }

    /** A queue entry an append writes, with the packet id it was sent with before (0 if not sent). */
    private record KeptEntry(DeliveryTarget target, int packetId) {}

    @Override
    public CompletionStage<Void> markSent(String clientId, long messageId, int packetId) {
        if (unapplied.sentBeforeApplied(clientId, messageId, packetId)) {
            // Written by the append with the packet id, which completes no later than this would.
            return Stages.DONE;
        }
        return writer.update(tables -> tables.queued.computeIfPresent(
                new Object[] {clientId, messageId},
                (key, entry) -> QueueEntry.decode(entry).withPacketId(packetId).encode()));
    }

    @Override
    public CompletionStage<Void> markReleased(String clientId, long messageId) {
        return writer.update(tables -> tables.queued.computeIfPresent(
                new Object[] {clientId, messageId},
                (key, entry) -> QueueEntry.decode(entry).asReleased().encode()));
    }

    @Override
    public CompletionStage<Void> remove(String clientId, long messageId) {
        if (unapplied.acknowledgedBeforeApplied(clientId, messageId)) {
            return Stages.DONE;
        }
        return writer.update(tables -> tables.dequeue(clientId, messageId));
    }

    @Override
    public List<QueuedMessage> load(String clientId) {
        return writer.read(tables -> tables.entries(clientId));
    }

    @Override
    public boolean keepsQueues() {
        return true;
    }

    @Override
    public CompletionStage<QueuePage> read(String clientId, long after, int max) {
        return writer.query(tables -> tables.page(clientId, after, max));
    }

    @Override
    public QueueRefusal refuse(String clientId, StoredMessage message) {
        MapDbSettings settings = writer.settings();
        QueueUsage usage = writer.usage();
        long size = MessageCodec.sizeOf(message) + QueueUsage.ENTRY_OVERHEAD;
        long client = usage.of(clientId);
        if (settings.maxClientQueue() > 0 && client + size > settings.maxClientQueue()) {
            return new QueueRefusal(
                    "client",
                    "its stored queue is at max-client-queue-size (" + client + " + " + size + " bytes > "
                            + settings.maxClientQueue() + ")");
        }
        long total = usage.total();
        if (settings.maxQueueTotal() > 0 && total + size > settings.maxQueueTotal()) {
            return new QueueRefusal(
                    "total",
                    "the stored queues of all clients are at max-queue-size-total (" + total + " + " + size
                            + " bytes > " + settings.maxQueueTotal() + ")");
        }
        return null;
    }

    @Override
    public Set<Integer> loadInboundQos2(String clientId) {
        return writer.read(tables -> {
            Set<Integer> packetIds = new HashSet<>();
            for (Object[] key :
                    tables.inboundQos2.prefixSubMap(new Object[] {clientId}).keySet()) {
                packetIds.add((Integer) key[1]);
            }
            return packetIds;
        });
    }

    @Override
    public CompletionStage<Void> releaseInboundQos2(String clientId, int packetId) {
        return writer.update(tables -> tables.inboundQos2.remove(new Object[] {clientId, packetId}));
    }

    @Override
    public void close() {
        expired.close();
        writer.close();
    }
}
