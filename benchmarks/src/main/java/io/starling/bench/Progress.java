package io.starling.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts deliveries against what the publishers finished with, and lets the main thread wait
 * until every expected copy arrived, or deliveries stopped, or time ran out. Subscribers'
 * event loops count; only the completing delivery takes the monitor.
 */
final class Progress {

    /** Wake-up period of the waiter, to notice that deliveries stopped (QoS 0 may lose messages). */
    private static final long CHECK_NANOS = 50_000_000;

    private final int publishers;
    private final int fanOut;
    private final AtomicLong delivered = new AtomicLong();
    private volatile long lastDeliveryNanos;
    private int finishedPublishers;
    private long published;
    private long allFinishedNanos;
    /** Deliveries that complete the run; unknown (MAX_VALUE) until every publisher finished. */
    private volatile long expected = Long.MAX_VALUE;

    Progress(int publishers, int fanOut) {
        this.publishers = publishers;
        this.fanOut = fanOut;
    }

    /** A subscriber got a message it had not got before. */
    void onDelivered() {
        long count = delivered.incrementAndGet();
        lastDeliveryNanos = System.nanoTime();
        if (count == expected) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** A publisher is done: everything it sent is acknowledged (QoS 1/2) or written (QoS 0). */
    synchronized void onPublisherFinished(long sent) {
        finishedPublishers++;
        published += sent;
        if (finishedPublishers == publishers) {
            allFinishedNanos = System.nanoTime();
            expected = published * fanOut;
            notifyAll();
        }
    }

    /**
     * Waits until every expected copy is delivered (true), or until the deadline, or until
     * {@code quietNanos} passed without a delivery after all publishers finished (false).
     */
    synchronized boolean await(long deadlineNanos, long quietNanos) throws InterruptedException {
        while (true) {
            long now = System.nanoTime();
            if (expected != Long.MAX_VALUE) {
                if (delivered.get() >= expected) {
                    return true;
                }
                if (now - Math.max(lastDeliveryNanos, allFinishedNanos) > quietNanos) {
                    return false;
                }
            }
            if (now >= deadlineNanos) {
                return false;
            }
            long waitNanos = Math.min(CHECK_NANOS, deadlineNanos - now);
            wait(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }

    long deliveredCount() {
        return delivered.get();
    }

    /** When the last new delivery arrived (System.nanoTime), 0 if none did. */
    long lastDeliveryNanos() {
        return lastDeliveryNanos;
    }
}
