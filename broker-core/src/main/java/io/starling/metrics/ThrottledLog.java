package io.starling.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Counts events that may come in floods (dropped messages, refused connections) and logs them
 * at WARN at most once per interval, with how many there were since the last line.
 */
public final class ThrottledLog {

    private final Logger log;
    private final long intervalNanos;
    private final AtomicLong sinceLastLine = new AtomicLong();
    private final AtomicLong lastLineNanos;

    public ThrottledLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.lastLineNanos = new AtomicLong(System.nanoTime() - intervalNanos);
    }

    /**
     * Counts one event and, if the interval since the last line has passed, logs
     * {@code format} with the count as its first argument, then {@code details}.
     */
    public void event(String format, Object... details) {
        sinceLastLine.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLineNanos.get();
        if (now - last >= intervalNanos && lastLineNanos.compareAndSet(last, now)) {
            Object[] arguments = new Object[details.length + 1];
            arguments[0] = sinceLastLine.getAndSet(0);
            System.arraycopy(details, 0, arguments, 1, details.length);
            log.warn(format, arguments);
        }
    }
}
