package io.starling.routing;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique, increasing message ids. Seeded from the clock (milliseconds shifted left by 20
 * bits, room for a million ids per millisecond), so ids stay unique across restarts of a
 * node whose clock moves forward.
 */
public final class MessageIds {

    private final AtomicLong next = new AtomicLong(System.currentTimeMillis() << 20);

    public long next() {
        return next.incrementAndGet();
    }
}
