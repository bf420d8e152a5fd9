package io.starling.cluster.hazelcast;

import io.starling.spi.ClusterNode;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of a session released to another node, sent after the release answer (which
 * carries the session's state and in-flight messages) in parts of at most
 * {@code move-queue-part-bytes} ({@link ClusterMessage.QueuePart}; a larger message goes alone),
 * in order, with at most {@value #UNACKNOWLEDGED_PARTS} parts not yet stored by the new node. So a
 * long queue never becomes one large cluster message, and neither node holds more than two
 * parts of it on their way.
 *
 * <p>Each part is removed from this node's store once the new node stored it (the first one
 * also takes the in-flight messages the answer carried); once all are stored, the session's
 * stored copy here is deleted ({@link ClusterNode#sessionMoved}). If a part is not stored (the
 * new node left, failed, or did not answer in time), nothing more is sent or removed: the rest
 * stays in this node's store (docs/CLUSTER.md, "A session moves").
 */
final class QueueStream {

    private static final Logger LOG = LoggerFactory.getLogger(QueueStream.class);
    private static final int UNACKNOWLEDGED_PARTS = 2;

    private final String clientId;
    private final Channel channel;
    private final ClusterNode node;
    private final ClusterCounters counters;
    private final int partBytes;
    private final SessionSnapshot state;
    private final ArrayDeque<QueuedMessage> rest;
    /** Ids of the in-flight messages the release answer carried: removed with the first part. */
    private List<Long> carried;

    private int sent;
    private int stored;
    private boolean lastSent;
    private boolean failed;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /** The stream of the queue of {@code released}: its queued messages, those without a packet id. */
    QueueStream(SessionSnapshot released, Channel channel, ClusterNode node, ClusterCounters counters, int partBytes) {
        this.clientId = released.clientId();
        this.channel = channel;
        this.node = node;
        this.counters = counters;
        this.partBytes = partBytes;
        List<QueuedMessage> inFlight = new ArrayList<>();
        this.rest = new ArrayDeque<>();
        for (QueuedMessage message : released.messages()) {
            if (message.packetId() != 0) {
                inFlight.add(message);
            } else {
                rest.add(message);
            }
        }
        this.carried = inFlight.stream().map(m -> m.message().id()).toList();
        this.state = new SessionSnapshot(
                clientId,
                released.subscriptions(),
                inFlight,
                released.inboundQos2(),
                released.packetIdsFrom(),
                released.expiry());
    }

    /** The session without its queue, for the release answer. */
    SessionSnapshot state() {
        return state;
    }

    /** Messages in the queue that follows the answer. */
    int queued() {
        return rest.size();
    }

    /**
     * Sends the first parts (call after queueing the release answer on the channel).
     *
     * @return completes when the new node stored every part, exceptionally if one was not stored
     */
    CompletableFuture<Void> start() {
        sendParts();
        return done;
    }

    private void sendParts() {
        while (true) {
            ClusterMessage.QueuePart part;
            List<Long> ids;
            synchronized (this) {
                if (lastSent || failed || sent - stored >= UNACKNOWLEDGED_PARTS) {
                    return;
                }
                part = nextPart();
                lastSent = part.last();
                sent++;
                ids = new ArrayList<>(carried);
                carried = List.of();
                part.messages().forEach(m -> ids.add(m.message().id()));
            }
            counters.queuePartSent(ClusterMessage.QueuePart.bytes(part.messages()));
            CompletableFuture<Void> partStored = new CompletableFuture<>();
            channel.send(part, partStored, false);
            partStored.whenComplete((ignored, failure) -> stored(ids, failure));
        }
    }

    /** The next messages up to the part size (at least one, unless none is left: an empty last part). */
    private ClusterMessage.QueuePart nextPart() {
        List<QueuedMessage> messages = new ArrayList<>();
        int bytes = 0;
        while (!rest.isEmpty()) {
            int size = Wire.size(rest.peek().message());
            if (!messages.isEmpty() && bytes + size > partBytes) {
                break;
            }
            messages.add(rest.poll());
            bytes += size;
        }
        return new ClusterMessage.QueuePart(clientId, messages, rest.isEmpty());
    }

    private void stored(List<Long> ids, Throwable failure) {
        boolean complete;
        int left;
        synchronized (this) {
            left = rest.size();
            if (failed) {
                return;
            }
            if (failure != null) {
                failed = true;
            } else {
                stored++;
            }
            complete = failure == null && lastSent && stored == sent;
        }
        if (failure != null) {
            LOG.warn(
                    "Node {} did not store a part of the queue of {}; the {} message(s) not sent yet"
                            + " and those not confirmed stay in this node's store: {}",
                    channel.target(),
                    clientId,
                    left,
                    failure.toString());
            done.completeExceptionally(failure);
            return;
        }
        node.queuePartMoved(clientId, ids).whenComplete((ignored, error) -> logFailure("remove", error));
        if (complete) {
            node.sessionMoved(clientId).whenComplete((ignored, error) -> logFailure("delete", error));
            LOG.debug("Move of {}: node {} stored the whole queue.", clientId, channel.target());
            done.complete(null);
        } else {
            sendParts();
        }
    }

    private void logFailure(String what, Throwable failure) {
        if (failure != null) {
            LOG.error(
                    "Could not {} the stored messages of {}, which moved to node {}: {}",
                    what,
                    clientId,
                    channel.target(),
                    failure.toString());
        }
    }
}
