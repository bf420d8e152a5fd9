package io.starling.admin;

import io.starling.metrics.BrokerMetrics;
import java.util.function.LongSupplier;

/**
 * Messages received, sent and dropped per second, from the counters the broker keeps anyway:
 * computed when asked, over the time since the sample before (at least a second), so nothing
 * is added to the publish path.
 */
final class MessageRates {

    record Rates(double received, double sent, double dropped) {}

    private static final long MIN_INTERVAL_NANOS = 1_000_000_000L;

    private final BrokerMetrics counters;
    private final LongSupplier nanoTime;
    private long sampleNanos;
    private long received;
    private long sent;
    private long dropped;
    private Rates last = new Rates(0, 0, 0);

    MessageRates(BrokerMetrics counters, LongSupplier nanoTime) {
        this.counters = counters;
        this.nanoTime = nanoTime;
        this.sampleNanos = nanoTime.getAsLong();
        this.received = counters.receivedTotal();
        this.sent = counters.sentTotal();
        this.dropped = counters.dropped();
    }

    /** The rates over the last interval; asked again within a second, the same ones. */
    synchronized Rates now() {
        long now = nanoTime.getAsLong();
        long elapsed = now - sampleNanos;
        if (elapsed >= MIN_INTERVAL_NANOS) {
            double seconds = elapsed / 1e9;
            long receivedNow = counters.receivedTotal();
            long sentNow = counters.sentTotal();
            long droppedNow = counters.dropped();
            last = new Rates(
                    (receivedNow - received) / seconds, (sentNow - sent) / seconds, (droppedNow - dropped) / seconds);
            sampleNanos = now;
            received = receivedNow;
            sent = sentNow;
            dropped = droppedNow;
        }
        return last;
    }
}
