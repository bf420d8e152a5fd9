package io.starling.cluster.hazelcast;

import io.starling.concurrent.Stages;
import io.starling.metrics.ThrottledLog;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueuePage;
import io.starling.spi.QueueRefusal;
import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's store of queued messages, with every change to a persistent session's queue also
 * made to the cluster's copy ({@link QueueReplicas}) before it counts as done: an append (so the
 * publisher's acknowledgement, which waits for it, means that the message is on two nodes),
 * the packet id a message was sent with (a QoS 2 PUBLISH goes out only after it, see
 * {@link #publishWaitsForMarkSent}) and its PUBREC (PUBREL goes out after it). A removal does
 * not wait: a message still in the copy when its session moves is at most sent once more, and
 * at QoS 2 as PUBREL. Shared subscription groups' queues are not copied (docs/SHARED.md).
 */
final class ReplicatedQueueStore implements MessageQueueStore {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedQueueStore.class);
    private static final String SHARED_PREFIX = "$share/";

    private final ThrottledLog staleSessions = new ThrottledLog(LOG, Duration.ofSeconds(10));
    private final MessageQueueStore local;
    private final QueueReplicas replicas;

    ReplicatedQueueStore(MessageQueueStore local, QueueReplicas replicas) {
        this.local = local;
        this.replicas = replicas;
    }

    @Override
    public CompletionStage<Void> append(
            StoredMessage message, Collection<DeliveryTarget> targets, InboundQos2Receipt receipt) {
        CompletionStage<Void> stored = local.append(message, targets, receipt);
        List<DeliveryTarget> sessions = new ArrayList<>(targets.size());
        for (DeliveryTarget target : targets) {
            if (!target.clientId().startsWith(SHARED_PREFIX)) {
                sessions.add(target);
            }
        }
        if (sessions.isEmpty()) {
            return stored;
        }
        CompletionStage<Void> copied = replicas.appended(message, sessions).thenAccept(elsewhere -> {
            if (!elsewhere.isEmpty()) {
                // Failing the publish would make its publisher send it again to every other target.
                staleSessions.event(
                        "{} message(s) not copied for sessions another node continued (this node was cut off;"
                                + " its sessions are released after the merge), e.g. for {}",
                        elsewhere.iterator().next());
            }
        });
        return Stages.both(stored, copied);
    }

    @Override
    public CompletionStage<Void> markSent(String clientId, long messageId, int packetId) {
        return Stages.both(local.markSent(clientId, messageId, packetId), replicas.sent(clientId, messageId, packetId));
    }

    @Override
    public CompletionStage<Void> markReleased(String clientId, long messageId) {
        return Stages.both(local.markReleased(clientId, messageId), replicas.released(clientId, messageId));
    }

    @Override
    public CompletionStage<Void> remove(String clientId, long messageId) {
        replicas.removed(clientId, messageId).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.debug(
                        "Could not remove message {} of {} from the cluster's copy: {}",
                        messageId,
                        clientId,
                        failure.toString());
            }
        });
        return local.remove(clientId, messageId);
    }

    /** The cluster's copy has the message already, with its state: only this node's store is written. */
    @Override
    public CompletionStage<Void> appendMoved(QueuedMessage queued, DeliveryTarget target) {
        return local.appendMoved(queued, target);
    }

    /** The session's node is another one now, and owns the cluster's copy: only this node's copy goes. */
    @Override
    public CompletionStage<Void> removeMoved(String clientId, long messageId) {
        return local.remove(clientId, messageId);
    }

    @Override
    public boolean publishWaitsForMarkSent() {
        return true;
    }

    @Override
    public List<QueuedMessage> load(String clientId) {
        return local.load(clientId);
    }

    @Override
    public boolean keepsQueues() {
        return local.keepsQueues();
    }

    @Override
    public CompletionStage<QueuePage> read(String clientId, long after, int max) {
        return local.read(clientId, after, max);
    }

    @Override
    public QueueRefusal refuse(String clientId, StoredMessage message) {
        return local.refuse(clientId, message);
    }

    @Override
    public Set<Integer> loadInboundQos2(String clientId) {
        return local.loadInboundQos2(clientId);
    }

    @Override
    public CompletionStage<Void> releaseInboundQos2(String clientId, int packetId) {
        return local.releaseInboundQos2(clientId, packetId);
    }

    /** The storage that made the local store closes it. */
    @Override
    public void close() {}
}
