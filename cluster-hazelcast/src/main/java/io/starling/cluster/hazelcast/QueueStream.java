package io.starling.cluster.hazelcast;

import io.starling.spi.ClusterNode;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
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
 * new node left, failed, or did not answer in time), nothing more is sent or removed here, and
 * what the new node has not confirmed goes to {@code leftBehind}, in order, to be sent where
 * the session continues (docs/CLUSTER.md, "A session moves").
 */
final class QueueStream {

    private static final Logger LOG = LoggerFactory.getLogger(QueueStream.class);
    private static final int UNACKNOWLEDGED_PARTS = 2;

    private final String clientId;
    private final Channel channel;
    private final ClusterNode node;
    private final ClusterCounters counters;
    private final int partBytes;
    private final ArrayDeque<QueuedMessage> rest;
    private final BiConsumer<String, List<QueuedMessage>> leftBehind;
    /** What the first part also confirms: the in-flight messages the release answer carried. */
    private List<QueuedMessage> carried;
    /** The parts sent and not confirmed yet, by number, with what each confirms. */
    private final Map<Integer, List<QueuedMessage>> unconfirmed = new TreeMap<>();

    private int sent;
    private boolean lastSent;
    private boolean failed;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /**
     * @param carried    messages the other node has already (they are removed here with the first part)
     * @param queue      the messages to send, in order
     * @param leftBehind gets the client id and the messages not confirmed if a part is not stored
     */
    QueueStream(
            String clientId,
            List<QueuedMessage> carried,
            List<QueuedMessage> queue,
            Channel channel,
            ClusterNode node,
            ClusterCounters counters,
            int partBytes,
            BiConsumer<String, List<QueuedMessage>> leftBehind) {
        this.clientId = clientId;
        this.carried = carried;
        this.rest = new ArrayDeque<>(queue);
        this.channel = channel;
        this.node = node;
        this.counters = counters;
        this.partBytes = partBytes;
        this.leftBehind = leftBehind;
    }

    /** The in-flight messages of a released session (they travel in the release answer, see {@link #state}). */
    static List<QueuedMessage> inFlight(SessionSnapshot released) {
        return released.messages().stream().filter(m -> m.packetId() != 0).toList();
    }

    /** The queued messages of a released session, in order: what follows the answer in parts. */
    static List<QueuedMessage> queued(SessionSnapshot released) {
        return released.messages().stream().filter(m -> m.packetId() == 0).toList();
    }

    /** The released session without its queue, for the release answer. */
    static SessionSnapshot state(SessionSnapshot released) {
        return new SessionSnapshot(
                released.clientId(),
                released.subscriptions(),
                inFlight(released),
                released.inboundQos2(),
                released.packetIdsFrom(),
                released.expiry());
    }

    /**
     * Sends the first parts (call after queueing the release answer on the channel, if any).
     *
     * @return completes when the other node stored every part, exceptionally if one was not stored
     */
    CompletableFuture<Void> start() {
        sendParts();
        return done;
    }

    private void sendParts() {
        while (true) {
            ClusterMessage.QueuePart part;
            int number;
            synchronized (this) {
                if (lastSent || failed || unconfirmed.size() >= UNACKNOWLEDGED_PARTS) {
                    return;
                }
                part = nextPart();
                lastSent = part.last();
                number = sent++;
                List<QueuedMessage> confirms = new ArrayList<>(carried);
                confirms.addAll(part.messages());
                carried = List.of();
                unconfirmed.put(number, confirms);
            }
            counters.queuePartSent(ClusterMessage.QueuePart.bytes(part.messages()));
            CompletableFuture<Void> partStored = new CompletableFuture<>();
            channel.send(part, partStored, false);
            partStored.whenComplete((ignored, failure) -> stored(number, failure));
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

    private void stored(int number, Throwable failure) {
        List<QueuedMessage> confirmed;
        List<QueuedMessage> notConfirmed = null;
        boolean complete;
        synchronized (this) {
            if (failed) {
                return;
            }
            if (failure != null) {
                failed = true;
                notConfirmed = new ArrayList<>();
                unconfirmed.values().forEach(notConfirmed::addAll);
                notConfirmed.addAll(rest);
                unconfirmed.clear();
                rest.clear();
            }
            confirmed = unconfirmed.remove(number);
            complete = failure == null && lastSent && unconfirmed.isEmpty();
        }
        if (notConfirmed != null) {
            LOG.warn(
                    "Node {} did not store a part of the queue of {}: the {} message(s) it has not confirmed"
                            + " go where the session continues: {}",
                    channel.target(),
                    clientId,
                    notConfirmed.size(),
                    failure.toString());
            done.completeExceptionally(failure);
            leftBehind.accept(clientId, notConfirmed);
            return;
        }
        node.queuePartMoved(
                        clientId, confirmed.stream().map(m -> m.message().id()).toList())
                .whenComplete((ignored, error) -> logFailure("remove", error));
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
