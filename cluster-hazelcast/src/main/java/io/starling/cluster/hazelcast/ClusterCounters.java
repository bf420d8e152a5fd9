package io.starling.cluster.hazelcast;

import io.starling.spi.ClusterStatistics;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/** The forwarding figures of this node, counted as frames go out and come in. */
final class ClusterCounters implements ClusterStatistics {

    private final LongAdder forwarded = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder nanos = new LongAdder();
    private final LongAdder queueParts = new LongAdder();
    private final AtomicLong largestQueuePart = new AtomicLong();
    private final IntSupplier members;
    private final LongSupplier pending;
    private final BooleanSupplier backupsInSync;

    ClusterCounters(IntSupplier members, LongSupplier pending, BooleanSupplier backupsInSync) {
        this.members = members;
        this.pending = pending;
        this.backupsInSync = backupsInSync;
    }

    @Override
    public boolean backupsInSync() {
        return backupsInSync.getAsBoolean();
    }

    void forwarded() {
        forwarded.increment();
    }

    void received() {
        received.increment();
    }

    void failed() {
        failures.increment();
    }

    void acknowledged(long elapsedNanos) {
        batches.increment();
        nanos.add(elapsedNanos);
    }

    /** A part of a moving session's queue of this many bytes was sent. */
    void queuePartSent(int bytes) {
        queueParts.increment();
        largestQueuePart.accumulateAndGet(bytes, Math::max);
    }

    @Override
    public long queuePartsSent() {
        return queueParts.sum();
    }

    @Override
    public long largestQueuePartBytes() {
        return largestQueuePart.get();
    }

    @Override
    public int members() {
        return members.getAsInt();
    }

    @Override
    public long messagesForwarded() {
        return forwarded.sum();
    }

    @Override
    public long messagesReceived() {
        return received.sum();
    }

    @Override
    public long forwardFailures() {
        return failures.sum();
    }

    @Override
    public long acknowledgedBatches() {
        return batches.sum();
    }

    @Override
    public long acknowledgementNanos() {
        return nanos.sum();
    }

    @Override
    public long pending() {
        return pending.getAsLong();
    }
}
