package io.starling.cluster.hazelcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches this node sent and waits to hear back about: each {@link Channel.Batch} gets an
 * id that travels in its frame; the receiving node's {@link ClusterMessage.Ack} completes what
 * waits for its messages, or the timeout ({@link HazelcastSettings#publishTimeout}: past the
 * time the target would have been declared lost, when {@link #nodeLeft} hands them on) fails them.
 */
final class Acknowledgements implements Channel.Batches {

    private static final Logger LOG = LoggerFactory.getLogger(Acknowledgements.class);

    private final Map<Long, Channel.Batch> batches = new ConcurrentHashMap<>();
    private final LongSupplier ids;
    private final ScheduledExecutorService timer;
    private final Duration timeout;
    private final ClusterCounters counters;

    Acknowledgements(LongSupplier ids, ScheduledExecutorService timer, Duration timeout, ClusterCounters counters) {
        this.ids = ids;
        this.timer = timer;
        this.timeout = timeout;
        this.counters = counters;
    }

    @Override
    public long register(Channel.Batch batch) {
        long id = ids.getAsLong();
        batches.put(id, batch);
        timer.schedule(() -> expire(id), timeout.toMillis(), TimeUnit.MILLISECONDS);
        return id;
    }

    /**
     * The receiving node handled the batch: stored what it had to ({@code ok}) or could not; the
     * forwards at the {@code refused} positions every subscriber there refused: they fail with
     * {@link ForwardRefused}.
     */
    void acknowledged(long batchId, boolean ok, Set<Integer> refused) {
        Channel.Batch batch = batches.remove(batchId);
        if (batch == null) {
            return;
        }
        counters.acknowledged(System.nanoTime() - batch.sentNanos());
        List<Channel.Outgoing> items = batch.items();
        for (int position = 0; position < items.size(); position++) {
            Channel.Outgoing outgoing = items.get(position);
            if (outgoing.done() == null) {
                continue;
            }
            if (ok && refused.contains(position)) {
                outgoing.done().completeExceptionally(ForwardRefused.INSTANCE);
            } else if (ok) {
                outgoing.done().complete(null);
            } else {
                outgoing.done()
                        .completeExceptionally(new IllegalStateException(
                                "node " + batch.target() + " could not store the forwarded messages"));
            }
        }
    }

    /**
     * The node left: its batches wait no more.
     *
     * @return what was sent to it and not acknowledged, for the caller to complete or send elsewhere
     */
    List<Channel.Outgoing> nodeLeft(String node) {
        List<Channel.Outgoing> unacknowledged = new ArrayList<>();
        batches.entrySet().removeIf(entry -> {
            if (!entry.getValue().target().equals(node)) {
                return false;
            }
            unacknowledged.addAll(entry.getValue().items());
            return true;
        });
        return unacknowledged;
    }

    /** Messages sent and not acknowledged yet. */
    long pending() {
        long pending = 0;
        for (Channel.Batch batch : batches.values()) {
            pending += batch.items().size();
        }
        return pending;
    }

    private void expire(long id) {
        Channel.Batch late = batches.remove(id);
        if (late == null) {
            return;
        }
        LOG.warn(
                "Cluster node {} did not acknowledge batch {} ({} message(s)) within {} ms.",
                late.target(),
                id,
                late.items().size(),
                timeout.toMillis());
        TimeoutException failure = new TimeoutException("no acknowledgement from node " + late.target());
        for (Channel.Outgoing outgoing : late.items()) {
            if (outgoing.done() != null) {
                outgoing.done().completeExceptionally(failure);
            }
        }
    }
}
