package io.starling.cluster.hazelcast;

import com.hazelcast.topic.Message;
import com.hazelcast.topic.MessageListener;
import io.starling.metrics.ThrottledLog;
import io.starling.spi.ClusterNode;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's inbox: reads each frame another node sent, hands every message to the part that
 * handles it, in order, and acknowledges a batch that asks for it once all its messages are
 * handled (stored where they must be).
 */
final class Inbox implements MessageListener<byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(Inbox.class);

    /** The parts that handle received messages. */
    record Handlers(
            RemoteRoutes routes,
            RemoteGroups groups,
            SharedForwards sharedForwards,
            ForwardOrder forwardOrder,
            LostNodes lostNodes,
            SessionMoves moves,
            ClientIdOwnership ownership,
            RetainedTakeOver retainedTakeOver,
            Acknowledgements acknowledgements,
            ClusterCounters counters) {}

    private final String nodeId;
    private final Function<String, Channel> channels;
    private final Handlers handlers;
    /** Queues this node's whole route set on a channel (see {@link ClusterMessage.Routes}). */
    private final Consumer<Channel> sendAllRoutes;
    /** Runs what blocks (sending every retained message), off Hazelcast's event threads. */
    private final Executor worker;

    private final BooleanSupplier closed;
    /** Whether a node left and has not joined again: what it still sends is dropped. */
    private final Predicate<String> hasLeft;

    private final ThrottledLog fromDeparted = new ThrottledLog(LOG, Duration.ofSeconds(10));
    private volatile ClusterNode node;

    Inbox(
            String nodeId,
            Function<String, Channel> channels,
            Handlers handlers,
            Consumer<Channel> sendAllRoutes,
            Executor worker,
            BooleanSupplier closed,
            Predicate<String> hasLeft) {
        this.nodeId = nodeId;
        this.hasLeft = hasLeft;
        this.channels = channels;
        this.handlers = handlers;
        this.sendAllRoutes = sendAllRoutes;
        this.worker = worker;
        this.closed = closed;
    }

    void start(ClusterNode localNode) {
        this.node = localNode;
    }

    @Override
    public void onMessage(Message<byte[]> message) {
        Wire.Frame frame;
        try {
            frame = Wire.decode(message.getMessageObject());
        } catch (RuntimeException e) {
            LOG.error("Dropped an unreadable cluster frame: {}", e.toString());
            return;
        }
        if (frame.source().equals(nodeId) || closed.getAsBoolean()) {
            return;
        }
        if (hasLeft.test(frame.source())) {
            // Unacknowledged, so its sender's publishes and claims fail: that node is cut off.
            fromDeparted.event(
                    "Dropped {} cluster frame(s) from nodes no longer in the cluster (frozen or cut off), e.g. from {}.",
                    frame.source());
            return;
        }
        try {
            receive(frame);
        } catch (RuntimeException e) {
            LOG.error("Could not handle a cluster frame from node {}", frame.source(), e);
        }
    }

    private void receive(Wire.Frame frame) {
        String source = frame.source();
        Channel back = channels.apply(source);
        boolean newlyReady = back.markReady();
        List<CompletableFuture<?>> stages = new ArrayList<>();
        Set<Integer> refused = ConcurrentHashMap.newKeySet();
        List<ClusterMessage> messages = frame.messages();
        for (int position = 0; position < messages.size(); position++) {
            ClusterMessage message = messages.get(position);
            CompletionStage<Void> stage = message instanceof ClusterMessage.Forward forward
                    ? forward(forward, source, position, refused)
                    : handle(message, back, newlyReady);
            if (stage != null) {
                stages.add(stage.toCompletableFuture());
            }
        }
        if (frame.batchId() != 0) {
            long batchId = frame.batchId();
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.error(
                            "Could not store what cluster node {} sent (batch {}): {}",
                            source,
                            batchId,
                            failure.toString());
                }
                back.send(new ClusterMessage.Ack(batchId, failure == null, Set.copyOf(refused)), null, false);
            });
        }
    }

    /**
     * Delivers a forwarded message here, in its sender's order; the position of one that every
     * subscriber here refused (store limits) goes into {@code refused}, for the batch's
     * acknowledgement.
     *
     * @return what the acknowledgement of its batch waits for (null: nothing, QoS 0)
     */
    private CompletionStage<Void> forward(
            ClusterMessage.Forward forward, String source, int position, Set<Integer> refused) {
        handlers.counters().received();
        StoredMessage message = forward.message();
        LOG.debug("Forward of message {} on '{}' from node {}.", message.id(), message.topic(), source);
        CompletableFuture<Void> stage = handlers.forwardOrder()
                .inOrder(
                        source,
                        null,
                        () -> node.deliverForwardedWithinQuota(message).thenAccept(refusedHere -> {
                            if (refusedHere) {
                                refused.add(position);
                            }
                        }));
        return message.qos() > 0 ? stage : null;
    }

    /**
     * Handles one message from the node at the other end of {@code back}.
     *
     * @return what the acknowledgement of its batch waits for (null: nothing)
     */
    private CompletionStage<Void> handle(ClusterMessage message, Channel back, boolean newlyReady) {
        String source = back.target();
        Handlers to = handlers;
        if (message instanceof ClusterMessage.Hello) {
            if (newlyReady) {
                back.send(new ClusterMessage.Hello(), null, false);
            } else {
                // Greeted again on a working channel: the other node made a new channel to this
                // one (after a network split it dropped this node, while this node kept it) and
                // lost this node's routes with the old one.
                sendAllRoutes.accept(back);
            }
        } else if (message instanceof ClusterMessage.RouteAdded added) {
            to.routes().add(source, added.filter());
        } else if (message instanceof ClusterMessage.RouteRemoved removed) {
            to.routes().remove(source, removed.filter());
        } else if (message instanceof ClusterMessage.Routes all) {
            to.routes().replaceAll(source, all.filters());
            to.groups().replaceAll(source, all.groups()).forEach(node::sharedMembersOnlineElsewhere);
        } else if (message instanceof ClusterMessage.SharedGroup group) {
            if (to.groups().set(source, group.group(), group.online())) {
                node.sharedMembersOnlineElsewhere(group.group());
            }
        } else if (message instanceof ClusterMessage.SharedForward forward) {
            to.counters().received();
            to.sharedForwards().received(source, forward.group(), forward.message());
            CompletionStage<Void> stage = node.deliverShared(
                    forward.group(), forward.publisher().isEmpty() ? null : forward.publisher(), forward.message());
            return forward.message().qos() > 0 ? stage : null;
        } else if (message instanceof ClusterMessage.SharedDone done) {
            to.sharedForwards().doneThere(source, done.group(), done.messageId());
        } else if (message instanceof ClusterMessage.ForwardLost forward) {
            to.counters().received();
            CompletableFuture<Void> stage = to.forwardOrder()
                    .inOrder(
                            source,
                            to.lostNodes().whenPlaced(forward.lostNode()),
                            () -> to.lostNodes().relay(forward.lostNode(), forward.message(), forward.inDoubt()));
            return forward.message().qos() > 0 ? stage : null;
        } else if (message instanceof ClusterMessage.DeliverTo delivery) {
            return to.lostNodes().deliverHere(delivery.clientIds(), delivery.message(), delivery.inDoubt());
        } else if (message instanceof ClusterMessage.Adopted adopted) {
            to.lostNodes().adopted(adopted.lostNode(), source);
        } else if (message instanceof ClusterMessage.Settled settled) {
            to.lostNodes().settled(settled.lostNode());
        } else if (message instanceof ClusterMessage.Placed placed) {
            to.lostNodes().placedOn(placed.lostNode(), placed.clientIds(), source, placed.reachable());
        } else if (message instanceof ClusterMessage.MovedMessage moved) {
            to.counters().received();
            return to.moves().deliverRelayed(moved.clientId(), moved.message());
        } else if (message instanceof ClusterMessage.QueuePart part) {
            return to.moves().queuePart(part, source);
        } else if (message instanceof ClusterMessage.MoveRouted routed) {
            to.moves().routed(routed.clientId(), source);
        } else if (message instanceof ClusterMessage.MoveDone done) {
            to.moves().done(done.clientId(), source);
        } else if (message instanceof ClusterMessage.TakeOver takeOver) {
            to.ownership().takeOver(takeOver.clientId(), source);
        } else if (message instanceof ClusterMessage.Sync) {
            // Acknowledged with its batch, after everything this node sent before.
        } else if (message instanceof ClusterMessage.Retained retained) {
            to.retainedTakeOver().changed(retained.message().topic());
            return node.applyRetained(retained.message());
        } else if (message instanceof ClusterMessage.RetainedSyncRequest request) {
            worker.execute(() -> to.retainedTakeOver().send(back, request.requestId()));
        } else if (message instanceof ClusterMessage.RetainedSync retained) {
            to.retainedTakeOver().received(source, retained.message());
        } else if (message instanceof ClusterMessage.RetainedSyncDone done) {
            to.retainedTakeOver().finished(source, done.requestId(), done.allSent());
        } else if (message instanceof ClusterMessage.Release release) {
            to.ownership().release(back, release);
        } else if (message instanceof ClusterMessage.HandBack handBack) {
            String clientId = handBack.session().clientId();
            return node.takeMessages(
                    clientId,
                    to.lostNodes().notRelayed(clientId, handBack.session().messages()));
        } else if (message instanceof ClusterMessage.Released released) {
            to.ownership().released(released);
        } else if (message instanceof ClusterMessage.Ack ack) {
            to.acknowledgements().acknowledged(ack.batchId(), ack.ok(), ack.refused());
        } else {
            LOG.warn(
                    "Ignored cluster message {} from node {}.",
                    message.getClass().getSimpleName(),
                    source);
        }
        return null;
    }
}
