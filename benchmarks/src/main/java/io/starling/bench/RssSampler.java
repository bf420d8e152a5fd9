package io.starling.bench;

import io.starling.concurrent.DaemonThreads;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads the broker's RSS every {@link #PERIOD_MILLIS} while a phase of a run lasts and keeps the
 * highest reading: the memory a broker needs for that phase, which a reading at its end misses
 * (a drained queue's memory may be given back by then).
 */
final class RssSampler implements AutoCloseable {

    private static final long PERIOD_MILLIS = 200;

    private final BrokerProbe probe;
    private final ScheduledExecutorService timer;
    private double maxKiB;

    /** Starts sampling; NaN figures when no broker process is known. */
    RssSampler(BrokerProbe probe) {
        this.probe = probe;
        this.maxKiB = probe.rssKiB();
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("rss-sampler"));
        if (probe.known()) {
            timer.scheduleAtFixedRate(this::sample, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void sample() {
        maxKiB = Math.max(maxKiB, probe.rssKiB());
    }

    /** The highest reading so far, this one included. */
    synchronized double maxKiB() {
        if (probe.known()) {
            sample();
        }
        return maxKiB;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
