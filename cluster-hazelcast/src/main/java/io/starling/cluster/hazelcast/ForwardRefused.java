package io.starling.cluster.hazelcast;

/**
 * A forward's acknowledgement saying that every subscriber of the message on the receiving node
 * refused it (their store limits): the message was dropped there, counted. For a publisher that
 * may be told nobody took its message (MQTT 5 Quota exceeded); for any other it is a success.
 */
final class ForwardRefused extends RuntimeException {

    static final ForwardRefused INSTANCE = new ForwardRefused();

    private ForwardRefused() {
        super("every subscriber on the receiving node refused the message", null, false, false);
    }

    /** Whether {@code failure} (or what it wraps, for a dependent stage) says so. */
    static boolean is(Throwable failure) {
        return failure instanceof ForwardRefused || failure != null && failure.getCause() instanceof ForwardRefused;
    }
}
