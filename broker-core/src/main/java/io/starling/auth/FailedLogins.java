package io.starling.auth;

import io.starling.config.LoginLimits;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts failed authentications per source address and per user name, and says how long each
 * is held back: not while it has fewer failures than its limit, then for the penalty from its
 * last failure, doubled with every failure past the limit, up to the longest penalty. Memory
 * is bounded: at most {@link #MAX_KEYS} addresses and as many user names are tracked (a
 * guesser inventing user names or spreading over addresses cannot grow it without end); a
 * full table forgets the keys not held back (at most one such sweep a second, so a table full
 * of held-back keys does not cost a sweep per failure), and new keys are not tracked until
 * there is room.
 */
public final class FailedLogins {

    static final int MAX_KEYS = 100_000;
    private static final long SWEEP_INTERVAL_NANOS = 1_000_000_000L;

    private final LoginLimits limits;
    private final LongSupplier nanoClock;
    private final Tally<Object> addresses;
    private final Tally<String> users;

    public FailedLogins(LoginLimits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
        this.addresses = new Tally<>(limits.perAddress());
        this.users = new Tally<>(limits.perUser());
    }

    /** How long a CONNECT from {@code address} with {@code user} (either may be null) must wait; 0: not at all. */
    public long holdNanos(Object address, String user) {
        long now = nanoClock.getAsLong();
        return Math.max(addresses.holdNanos(address, now), users.holdNanos(user, now));
    }

    public void failed(Object address, String user) {
        long now = nanoClock.getAsLong();
        addresses.failed(address, now);
        users.failed(user, now);
    }

    /** The user proved its password: its failures no longer count (its address's still do). */
    public void succeeded(String user) {
        if (user != null) {
            users.counts.remove(user);
        }
    }

    private record Failures(int count, long lastNanos) {}

    /** The failures of one kind of key (addresses or user names). */
    private final class Tally<K> {

        private final int limit;
        private final Map<K, Failures> counts = new ConcurrentHashMap<>();
        /** Written by whichever failing thread sweeps; a lost update only allows one more sweep. */
        private volatile long lastSweepNanos;

        Tally(int limit) {
            this.limit = limit;
            this.lastSweepNanos = nanoClock.getAsLong() - SWEEP_INTERVAL_NANOS;
        }

        long holdNanos(K key, long now) {
            Failures failures = key == null || limit == 0 ? null : counts.get(key);
            return failures == null ? 0 : holdNanos(failures, now);
        }

        void failed(K key, long now) {
            if (key == null || limit == 0) {
                return;
            }
            if (counts.size() >= MAX_KEYS && !counts.containsKey(key)) {
                if (now - lastSweepNanos < SWEEP_INTERVAL_NANOS) {
                    return;
                }
                lastSweepNanos = now;
                counts.values().removeIf(failures -> holdNanos(failures, now) == 0);
                if (counts.size() >= MAX_KEYS) {
                    return;
                }
            }
            long forgetNanos = limits.forgetAfter().toNanos();
            counts.compute(
                    key,
                    (k, failures) -> failures == null || now - failures.lastNanos() >= forgetNanos
                            ? new Failures(1, now)
                            : new Failures(failures.count() + 1, now));
        }

        private long holdNanos(Failures failures, long now) {
            return failures.count() < limit
                    ? 0
                    : Math.max(0, failures.lastNanos() + penaltyNanos(failures.count()) - now);
        }

        /** The penalty after {@code count} failures (at least the limit): doubled per failure past it. */
        private long penaltyNanos(int count) {
            int doublings = Math.min(count - limit, 40);
            long penalty = limits.penalty().toNanos();
            long max = limits.maxPenalty().toNanos();
            // Shifted only while it stays below the maximum, so it never overflows.
            return penalty > (max >> doublings) ? max : penalty << doublings;
        }
    }
}
