package io.starling.distribution.fault;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The end of the publishing phase, shared by the publishers and the two fault tracks. */
final class Stopper {

    private final CountDownLatch stopped = new CountDownLatch(1);

    void stop() {
        stopped.countDown();
    }

    boolean stopped() {
        return stopped.getCount() == 0;
    }

    /**
     * Waits {@code delay} (the scheduler's random gap between events: load shaping, not
     * synchronisation) unless the run stops first; returns whether it is still running.
     */
    boolean pause(Duration delay) throws InterruptedException {
        return !stopped.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
