package io.starling.spi;

/**
 * A subscription's granted QoS and its MQTT 5 options packed into the int that sessions, the
 * trie, MapDB and the cluster's records have always held as the QoS: bits 0-1 the QoS, bit 2
 * No Local, bit 3 Retain As Published, the same bits as in a SUBSCRIBE's options byte, and bits
 * 4-31 the Subscription Identifier (0: none; the standard's maximum, 268,435,455, takes exactly
 * 28 bits, so the int may be negative). A 3.1.1 subscription (and every one stored before the
 * options) is its QoS alone and reads back unchanged. Retain Handling is not kept: it only
 * matters while subscribing.
 */
public final class SubscriptionOptions {

    private static final int QOS = 0x03;
    private static final int NO_LOCAL = 0x04;
    private static final int RETAIN_AS_PUBLISHED = 0x08;
    private static final int IDENTIFIER_SHIFT = 4;
    /** The largest Subscription Identifier, that of a four-byte Variable Byte Integer. */
    public static final int MAX_IDENTIFIER = 0x0FFF_FFFF;

    private SubscriptionOptions() {}

    public static int of(int qos, boolean noLocal, boolean retainAsPublished) {
        return of(qos, noLocal, retainAsPublished, 0);
    }

    /** @param identifier the Subscription Identifier, 1 to {@link #MAX_IDENTIFIER}; 0 for none */
    public static int of(int qos, boolean noLocal, boolean retainAsPublished, int identifier) {
        if (identifier < 0 || identifier > MAX_IDENTIFIER) {
            throw new IllegalArgumentException("Subscription Identifier out of range: " + identifier);
        }
        return qos
                | (noLocal ? NO_LOCAL : 0)
                | (retainAsPublished ? RETAIN_AS_PUBLISHED : 0)
                | identifier << IDENTIFIER_SHIFT;
    }

    public static int qos(int options) {
        return options & QOS;
    }

    /** The subscriber does not get the messages it publishes itself [MQTT-3.8.3-3]. */
    public static boolean noLocal(int options) {
        return (options & NO_LOCAL) != 0;
    }

    /** The Subscription Identifier, 0 for none; every PUBLISH this subscription matches carries it [MQTT-3.3.4-3]. */
    public static int identifier(int options) {
        return options >>> IDENTIFIER_SHIFT;
    }

    /** Forwarded messages keep the RETAIN flag they were published with [MQTT-3.3.1-12]. */
    public static boolean retainAsPublished(int options) {
        return (options & RETAIN_AS_PUBLISHED) != 0;
    }
}
