package io.starling.cluster.hazelcast;

import io.starling.spi.ClusterNode;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retained messages for a node that joins the cluster (new, back after being away, or merged
 * after a split): it asks the oldest other member for all of them before it opens its
 * listeners, and that member sends them over the ordered channel in acknowledged chunks.
 * Both sides live here: {@link #takeOver} on the joining node, {@link #send} on the other.
 */
final class RetainedTakeOver {

    private static final Logger LOG = LoggerFactory.getLogger(RetainedTakeOver.class);
    /** Retained messages sent to a joining node before waiting for their acknowledgement. */
    private static final int CHUNK = 1000;

    private final Function<String, Channel> channels;
    private final LongSupplier ids;
    private final Duration wait;
    private volatile ClusterNode node;
    private volatile RetainedSync current;

    /**
     * @param channels the channel to a node, by node id
     * @param ids      new request ids
     * @param wait     how long the joining node waits for the other node's messages and for
     *                 applying them
     */
    RetainedTakeOver(Function<String, Channel> channels, LongSupplier ids, Duration wait) {
        this.channels = channels;
        this.ids = ids;
        this.wait = wait;
    }

    void start(ClusterNode localNode) {
        this.node = localNode;
    }

    /**
     * Takes the retained messages over from {@code source} (the oldest other member; null when
     * alone): newer ones replace this node's, topics the cluster no longer has are deleted.
     * Blocks until done, or logs why this node's retained messages may be out of date.
     */
    void takeOver(String source) {
        if (source == null) {
            return;
        }
        RetainedSync sync = new RetainedSync(source, ids.getAsLong());
        current = sync;
        try {
            channels.apply(source).send(new ClusterMessage.RetainedSyncRequest(sync.requestId()), null, false);
            if (!sync.result().get(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Node {} did not send all its retained messages; this node's may be out of date.", source);
                return;
            }
            int changed = node.reconcileRetained(sync.messages(), sync.changedTopics())
                    .toCompletableFuture()
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info(
                    "Took the cluster's {} retained message(s) over from node {} ({} changed here).",
                    sync.messages().size(),
                    source,
                    changed);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn(
                    "Could not take the retained messages over from node {}; this node's may be out of date: {}",
                    source,
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            current = null;
        }
    }

    /**
     * A retained message changed on this node or arrived live from another while a take-over
     * runs: the list on its way is older for that topic.
     */
    void changed(String topic) {
        RetainedSync sync = current;
        if (sync != null) {
            sync.changed(topic);
        }
    }

    /** One retained message of the list a node sends this one. */
    void received(String source, StoredMessage message) {
        RetainedSync sync = current;
        if (sync != null && sync.source().equals(source)) {
            sync.received(message);
        }
    }

    /** The node sent its whole list ({@code allSent}) or gave up. */
    void finished(String source, long requestId, boolean allSent) {
        RetainedSync sync = current;
        if (sync != null && sync.source().equals(source)) {
            sync.finished(requestId, allSent);
        }
    }

    /** A node left the cluster: if it was sending its list, the take-over ends incomplete. */
    void nodeLeft(String other) {
        RetainedSync sync = current;
        if (sync != null) {
            sync.sourceLeft(other);
        }
    }

    /**
     * Sends a joining node every retained message, in chunks, each acknowledged before the
     * next (the channel's pending limit bounds what may wait), then says whether all went.
     * Blocks: run it off the Hazelcast event threads.
     */
    void send(Channel back, long requestId) {
        List<StoredMessage> all = new ArrayList<>();
        node.forEachRetained(all::add);
        boolean allSent = true;
        for (int from = 0; from < all.size() && allSent; from += CHUNK) {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (StoredMessage message : all.subList(from, Math.min(all.size(), from + CHUNK))) {
                CompletableFuture<Void> ack = new CompletableFuture<>();
                back.send(new ClusterMessage.RetainedSync(message), ack, false);
                acks.add(ack);
            }
            try {
                // Every batch is acknowledged, times out or fails when the node leaves: this ends.
                CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
            } catch (ExecutionException e) {
                LOG.warn(
                        "Node {} did not take the retained messages: {}",
                        back.target(),
                        e.getCause().toString());
                allSent = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                allSent = false;
            }
        }
        back.send(new ClusterMessage.RetainedSyncDone(requestId, allSent), null, false);
        if (allSent) {
            LOG.info("Sent {} retained message(s) to joining node {}.", all.size(), back.target());
        }
    }
}
