package io.starling.testing;

/**
 * For tests of timers that run on the wall clock (MQTT 5 Session Expiry, Will Delay, Message
 * Expiry): some time has to pass before the broker may act, and no event says when it has.
 */
public final class WallClock {

    private WallClock() {}

    /** Returns once {@link System#currentTimeMillis()} reads past {@code millis}. */
    public static void awaitPast(long millis) throws InterruptedException {
        for (long left = millis - System.currentTimeMillis(); left >= 0; left = millis - System.currentTimeMillis()) {
            Thread.sleep(left + 1);
        }
    }
}
