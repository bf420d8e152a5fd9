package io.starling.spi;

/**
 * When a persistent session ends on its own (MQTT 5 Session Expiry Interval, section
 * 3.1.2.11.2), as stored with the session and in the cluster's session record: the interval and
 * the moment its connection ended. Stored as a moment rather than a timer, so that a restarted
 * broker, or the node that continues a lost node's session, ends it when it was due.
 *
 * @param intervalSeconds seconds the session lives without a connection; {@link #NEVER_SECONDS}: for ever
 * @param offlineSince    milliseconds since the epoch when its last connection ended;
 *                        {@link #ONLINE} while a connection holds it
 */
public record SessionExpiry(long intervalSeconds, long offlineSince) {

    /** The interval that never ends (0xFFFFFFFF), that of every MQTT 3.1.1 persistent session. */
    public static final long NEVER_SECONDS = 0xFFFF_FFFFL;

    public static final long ONLINE = -1;

    /** Every MQTT 3.1.1 persistent session, and every session stored before Session Expiry was. */
    public static final SessionExpiry NEVER = new SessionExpiry(NEVER_SECONDS, ONLINE);

    public static SessionExpiry online(long intervalSeconds) {
        return new SessionExpiry(intervalSeconds, ONLINE);
    }

    public boolean never() {
        return intervalSeconds == NEVER_SECONDS;
    }

    /**
     * This expiry with the session offline from {@code nowMillis} if a connection held it: the
     * state of a session whose connection ended with its broker (killed, or its node lost).
     */
    public SessionExpiry offlineFrom(long nowMillis) {
        return offlineSince == ONLINE && !never() ? new SessionExpiry(intervalSeconds, nowMillis) : this;
    }

    /**
     * Milliseconds since the epoch when the session ends, if it stays offline. Only for an
     * expiry that is offline and not {@link #never()}.
     */
    public long deadline() {
        return offlineSince + intervalSeconds * 1000;
    }
}
