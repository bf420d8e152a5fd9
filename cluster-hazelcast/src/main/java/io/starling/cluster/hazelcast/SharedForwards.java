package io.starling.cluster.hazelcast;

import io.starling.metrics.ThrottledLog;
import io.starling.spi.SharedForwarding;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages of shared subscription groups sent to other nodes ({@link ClusterMessage.SharedForward})
 * until the receiving node says its group is done with them ({@link ClusterMessage.SharedDone}),
 * and, on the receiving side, which node each came from. A QoS 1/2 message whose node leaves the
 * cluster first, or does not acknowledge it in the request time, is handed back to the sender
 * ({@link SharedForwarding#done} false), which places it again: so a message a node took and had
 * not delivered when it was killed reaches another member (at least once: it may have reached
 * one already).
 */
final class SharedForwards {

    private static final Logger LOG = LoggerFactory.getLogger(SharedForwards.class);
    /** A failed send is handed back after this pause, so that a full channel is not retried in a loop. */
    private static final long RETRY_MILLIS = 200;

    private final ThrottledLog notAcknowledged = new ThrottledLog(LOG, Duration.ofSeconds(10));

    private record Key(String group, long messageId) {}

    private final Map<String, Channel> channels;
    private final ScheduledExecutorService timer;
    /** Per receiving node, what was sent and is not done there yet. */
    private final Map<String, Map<Key, CompletableFuture<Boolean>>> sent = new ConcurrentHashMap<>();
    /** The node each message received for a group came from, until the group is done with it. */
    private final Map<Key, String> received = new ConcurrentHashMap<>();

    SharedForwards(Map<String, Channel> channels, ScheduledExecutorService timer) {
        this.channels = channels;
        this.timer = timer;
    }

    /** Sends the message for the group to the node (see {@link io.starling.spi.ClusterBus#forwardShared}). */
    SharedForwarding send(String node, String group, String publisher, StoredMessage message) {
        CompletableFuture<Void> accepted = new CompletableFuture<>();
        CompletableFuture<Boolean> done = new CompletableFuture<>();
        ClusterMessage forward = new ClusterMessage.SharedForward(group, publisher == null ? "" : publisher, message);
        Channel channel = channels.get(node);
        if (channel == null || channel.isClosed()) {
            handBackLater(done);
            return new SharedForwarding(accepted, done);
        }
        if (message.qos() == 0) {
            channel.send(forward, null, true);
            accepted.complete(null);
            done.complete(true);
            return new SharedForwarding(accepted, done);
        }
        Key key = new Key(group, message.id());
        sent.computeIfAbsent(node, n -> new ConcurrentHashMap<>()).put(key, done);
        CompletableFuture<Void> ack = new CompletableFuture<>();
        ack.whenComplete((ignored, failure) -> {
            if (failure == null) {
                accepted.complete(null);
            } else if (forget(node, key) != null) {
                notAcknowledged.event(
                        "{} shared subscription message(s) not acknowledged by another node, placed again"
                                + " (the last: {} of {} to node {}: {}).",
                        message.id(),
                        group,
                        node,
                        failure.toString());
                handBackLater(done);
            }
        });
        channel.send(forward, ack, false);
        return new SharedForwarding(accepted, done);
    }

    /** The node's group is done with the message: the sender forgets it. */
    void doneThere(String node, String group, long messageId) {
        CompletableFuture<Boolean> done = forget(node, new Key(group, messageId));
        if (done != null) {
            done.complete(true);
        }
    }

    /** The node left the cluster: whatever it was sent and is not done with goes back to the senders. */
    void nodeLost(String node) {
        Map<Key, CompletableFuture<Boolean>> inDoubt = sent.remove(node);
        if (inDoubt == null || inDoubt.isEmpty()) {
            return;
        }
        LOG.info(
                "{} shared subscription message(s) sent to node {}, which left, are placed again.",
                inDoubt.size(),
                node);
        inDoubt.values().forEach(done -> done.complete(false));
    }

    /** A message for the group arrived from the node (QoS 1/2: it is told when the group is done with it). */
    void received(String node, String group, StoredMessage message) {
        if (message.qos() > 0) {
            received.put(new Key(group, message.id()), node);
        }
    }

    /**
     * This node's group is done with the message: the node that sent it (if one did) is told.
     *
     * @return whether a node is told
     */
    boolean doneHere(String group, long messageId) {
        String origin = received.remove(new Key(group, messageId));
        if (origin == null) {
            return false;
        }
        Channel channel = channels.get(origin);
        if (channel == null) {
            return false;
        }
        channel.send(new ClusterMessage.SharedDone(group, messageId), null, true);
        return true;
    }

    private CompletableFuture<Boolean> forget(String node, Key key) {
        Map<Key, CompletableFuture<Boolean>> inDoubt = sent.get(node);
        return inDoubt == null ? null : inDoubt.remove(key);
    }

    private void handBackLater(CompletableFuture<Boolean> done) {
        timer.schedule(() -> done.complete(false), RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }
}
