package io.starling.transport;

import java.util.function.LongSupplier;

/**
 * A token bucket for new connections on one listener: up to {@code perSecond} at once, refilled
 * at {@code perSecond} per second. Used by the listener's accept path only.
 */
final class ConnectionRateLimiter {

    private static final double NANOS_PER_SECOND = 1e9;

    private final int perSecond;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastRefill;

    ConnectionRateLimiter(int perSecond, LongSupplier nanoClock) {
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
        this.tokens = perSecond;
        this.lastRefill = nanoClock.getAsLong();
    }

    /** Whether one more connection may be accepted now. */
    synchronized boolean tryAcquire() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(perSecond, tokens + (now - lastRefill) * perSecond / NANOS_PER_SECOND);
        lastRefill = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
