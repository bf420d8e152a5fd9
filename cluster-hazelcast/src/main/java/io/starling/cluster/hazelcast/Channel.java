package io.starling.cluster.hazelcast;

import com.hazelcast.topic.ITopic;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered channel from this node to one other node: items are queued in call order and
 * sent in batches, by one sender at a time, to the other node's inbox topic. Hazelcast
 * delivers the messages one member publishes to a topic in publication order, so the other
 * node sees the items in the order they were queued. Until the other node has said hello
 * (its inbox listener is registered), items wait here.
 */
final class Channel {

    private static final Logger LOG = LoggerFactory.getLogger(Channel.class);

    /** An item to send and, if the sender waits for the receiving node, what completes then. */
    record Outgoing(ClusterMessage message, CompletableFuture<Void> done, boolean okIfGone) {}

    /** A sent batch waiting for its acknowledgement, and when it was sent ({@link System#nanoTime()}). */
    record Batch(String target, List<Outgoing> items, long sentNanos) {}

    private final String source;
    private final String target;
    private final ITopic<byte[]> inbox;
    private final Executor sender;
    private final HazelcastSettings settings;
    private final Consumer<Wire.Frame> onSent;
    private final Batches batches;
    private final ArrayDeque<Outgoing> queue = new ArrayDeque<>();
    private boolean ready;
    private boolean scheduled;
    private boolean closed;

    /** Registers batches waiting for acknowledgements. */
    interface Batches {
        long register(Batch batch);
    }

    Channel(
            String source,
            String target,
            ITopic<byte[]> inbox,
            Executor sender,
            HazelcastSettings settings,
            Batches batches,
            Consumer<Wire.Frame> onSent) {
        this.source = source;
        this.target = target;
        this.inbox = inbox;
        this.sender = sender;
        this.settings = settings;
        this.batches = batches;
        this.onSent = onSent;
    }

    String target() {
        return target;
    }

    /**
     * Queues an item. {@code done} (may be null) completes when the other node acknowledged the
     * batch holding it; if the node leaves first it completes normally when {@code okIfGone},
     * exceptionally otherwise.
     *
     * @return false if the channel is closed or full (then {@code done} was failed)
     */
    boolean send(ClusterMessage message, CompletableFuture<Void> done, boolean okIfGone) {
        if (offer(message, done, okIfGone)) {
            return true;
        }
        if (done != null) {
            if (isClosed()) {
                gone(new Outgoing(message, done, okIfGone), target);
            } else {
                done.completeExceptionally(new IllegalStateException("too much pending for node " + target));
            }
        }
        return false;
    }

    /**
     * Queues an item like {@link #send}, but if the channel is closed or full returns false and
     * leaves {@code done} alone, for the caller to send the item elsewhere.
     */
    boolean offer(ClusterMessage message, CompletableFuture<Void> done, boolean okIfGone) {
        boolean schedule;
        synchronized (this) {
            if (closed || queue.size() >= settings.maxPendingPerNode()) {
                return false;
            }
            queue.add(new Outgoing(message, done, okIfGone));
            schedule = ready && !scheduled;
            if (schedule) {
                scheduled = true;
            }
        }
        if (schedule) {
            submitDrain();
        }
        return true;
    }

    /** The other node's inbox listens: queued items may go. Returns false if it was ready already. */
    boolean markReady() {
        boolean schedule;
        synchronized (this) {
            if (ready || closed) {
                return false;
            }
            ready = true;
            schedule = !scheduled && !queue.isEmpty();
            if (schedule) {
                scheduled = true;
            }
        }
        if (schedule) {
            submitDrain();
        }
        return true;
    }

    /** Items queued and not sent yet. */
    synchronized int queued() {
        return queue.size();
    }

    /** Publishes one frame at once, whether or not the other node is ready (hello). */
    void publishNow(ClusterMessage message) {
        inbox.publish(Wire.encode(new Wire.Frame(source, 0, List.of(message))));
    }

    /**
     * The other node left: nothing more is sent (later sends fail, see {@link #isClosed}).
     *
     * @return the items queued and never sent, for the caller to complete or send elsewhere
     */
    List<Outgoing> close() {
        synchronized (this) {
            closed = true;
            List<Outgoing> unsent = new ArrayList<>(queue);
            queue.clear();
            return unsent;
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Sends an item on each channel; completes when all acknowledged (or their nodes left). */
    static CompletionStage<Void> sendToAll(Collection<Channel> targets, ClusterMessage message) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (Channel channel : targets) {
            CompletableFuture<Void> ack = new CompletableFuture<>();
            channel.send(message, ack, true);
            acks.add(ack);
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    static void gone(Outgoing outgoing, String target) {
        if (outgoing.done() == null) {
            return;
        }
        if (outgoing.okIfGone()) {
            outgoing.done().complete(null);
        } else {
            outgoing.done().completeExceptionally(new IllegalStateException("node " + target + " left the cluster"));
        }
    }

    private void submitDrain() {
        try {
            sender.execute(this::drain);
        } catch (RejectedExecutionException e) {
            synchronized (this) {
                scheduled = false;
            }
        }
    }

    private void drain() {
        for (int round = 0; round < 16; round++) {
            List<Outgoing> batch = new ArrayList<>();
            synchronized (this) {
                int bytes = 0;
                while (!queue.isEmpty() && batch.size() < settings.maxBatchMessages()) {
                    Outgoing next = queue.peek();
                    int size = next.message().size();
                    if (!batch.isEmpty() && bytes + size > settings.maxBatchBytes()) {
                        break;
                    }
                    batch.add(queue.poll());
                    bytes += size;
                }
                if (batch.isEmpty() || closed) {
                    scheduled = false;
                    return;
                }
            }
            send(batch);
        }
        submitDrain();
    }

    private void send(List<Outgoing> batch) {
        boolean wantsAck = false;
        List<ClusterMessage> messages = new ArrayList<>(batch.size());
        for (Outgoing outgoing : batch) {
            messages.add(outgoing.message());
            wantsAck |= outgoing.done() != null;
        }
        long batchId = wantsAck ? batches.register(new Batch(target, batch, System.nanoTime())) : 0;
        Wire.Frame frame = new Wire.Frame(source, batchId, messages);
        try {
            inbox.publish(Wire.encode(frame));
            onSent.accept(frame);
        } catch (RuntimeException e) {
            LOG.warn("Could not send {} message(s) to cluster node {}: {}", messages.size(), target, e.toString());
            for (Outgoing outgoing : batch) {
                if (outgoing.done() != null) {
                    outgoing.done().completeExceptionally(e);
                }
            }
        }
    }
}
