package io.starling.session;

import io.starling.metrics.BrokerMetrics;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts dropped messages and logs them at most once per interval, with the count since. */
public final class DropLog {

    private static final Logger LOG = LoggerFactory.getLogger("io.starling.drops");
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final BrokerMetrics metrics;
    private final AtomicLong sinceLastLog = new AtomicLong();
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - INTERVAL_NANOS);

    public DropLog(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    public void dropped(String clientId, String reason) {
        metrics.messageDropped();
        sinceLastLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        if (now - last >= INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
            LOG.warn("Dropped {} message(s) in the last {} s; latest for client {}: {}.",
                sinceLastLog.getAndSet(0), TimeUnit.NANOSECONDS.toSeconds(INTERVAL_NANOS), clientId, reason);
        }
    }
}
