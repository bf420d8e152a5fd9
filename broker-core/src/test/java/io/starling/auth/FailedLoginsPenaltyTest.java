package io.starling.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.config.LoginLimits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bookkeeping of failed authentications, on a clock the test moves. */
class FailedLoginsPenaltyTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
    private final FailedLogins failures = new FailedLogins(
            new LoginLimits(
                    3,
                    5,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(4),
                    Duration.ofSeconds(60),
                    LoginLimits.Action.REFUSE),
            clock::get);

    private void fail(int times, String address, String user) {
        for (int i = 0; i < times; i++) {
            failures.failed(address, user);
        }
    }

    @Test
    void theHoldStartsAtTheLimitAndDoublesUpToTheMaximum() {
        fail(2, "10.0.0.1", "u1");
        assertEquals(0, failures.holdNanos("10.0.0.1", "u1"), "below the limit");
        fail(1, "10.0.0.1", "u2");
        assertEquals(SECOND, failures.holdNanos("10.0.0.1", null));
        fail(1, "10.0.0.1", "u3");
        assertEquals(2 * SECOND, failures.holdNanos("10.0.0.1", null));
        fail(5, "10.0.0.1", "u4");
        assertEquals(4 * SECOND, failures.holdNanos("10.0.0.1", null), "capped at max-penalty");
        clock.addAndGet(3 * SECOND);
        assertEquals(SECOND, failures.holdNanos("10.0.0.1", null), "counted from the last failure");
        assertEquals(0, failures.holdNanos("10.0.0.2", "u1"), "other keys are not held back");
    }

    @Test
    void userNamesHaveTheirOwnLimitAndASuccessClearsThem() {
        fail(5, null, "alice");
        assertEquals(SECOND, failures.holdNanos("10.0.0.9", "alice"));
        failures.succeeded("alice");
        assertEquals(0, failures.holdNanos("10.0.0.9", "alice"));
    }

    @Test
    void failuresAreForgottenAfterAQuietPeriod() {
        fail(2, "10.0.0.1", null);
        clock.addAndGet(60 * SECOND);
        fail(1, "10.0.0.1", null);
        assertEquals(0, failures.holdNanos("10.0.0.1", null), "counting started again");
    }

    @Test
    void aLimitOfZeroHoldsNothingBack() {
        FailedLogins unlimited = new FailedLogins(
                new LoginLimits(
                        0,
                        0,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(1),
                        LoginLimits.Action.REFUSE),
                clock::get);
        for (int i = 0; i < 100; i++) {
            unlimited.failed("10.0.0.1", "alice");
        }
        assertEquals(0, unlimited.holdNanos("10.0.0.1", "alice"));
    }

    @Test
    void aFullTableTracksNewKeysOnlyOnceOthersAreNoLongerHeldBack() {
        for (int i = 0; i < FailedLogins.MAX_KEYS; i++) {
            fail(3, Integer.toString(i), null);
        }
        fail(3, "newcomer", null);
        assertEquals(0, failures.holdNanos("newcomer", null), "no room: every tracked address is held back");
        assertEquals(SECOND, failures.holdNanos("0", null));
        clock.addAndGet(5 * SECOND);
        fail(3, "newcomer", null);
        assertEquals(SECOND, failures.holdNanos("newcomer", null), "the others' holds ended: they made room");
    }
}
