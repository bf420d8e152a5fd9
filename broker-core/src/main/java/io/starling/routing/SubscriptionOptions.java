package io.starling.routing;

/**
 * A subscription's granted QoS and its MQTT 5 options packed into the int that sessions, the
 * trie, MapDB and the cluster's records have always held as the QoS: bits 0-1 the QoS, bit 2
 * No Local, bit 3 Retain As Published, the same bits as in a SUBSCRIBE's options byte. A 3.1.1
 * subscription (and every one stored before the options) is its QoS alone and reads back
 * unchanged. Retain Handling is not kept: it only matters while subscribing.
 */
public final class SubscriptionOptions {

    private static final int QOS = 0x03;
    private static final int NO_LOCAL = 0x04;
    private static final int RETAIN_AS_PUBLISHED = 0x08;

    private SubscriptionOptions() {}

    public static int of(int qos, boolean noLocal, boolean retainAsPublished) {
        return qos | (noLocal ? NO_LOCAL : 0) | (retainAsPublished ? RETAIN_AS_PUBLISHED : 0);
    }

    public static int qos(int options) {
        return options & QOS;
    }

    /** The subscriber does not get the messages it publishes itself [MQTT-3.8.3-3]. */
    public static boolean noLocal(int options) {
        return (options & NO_LOCAL) != 0;
    }

    /** Forwarded messages keep the RETAIN flag they were published with [MQTT-3.3.1-12]. */
    public static boolean retainAsPublished(int options) {
        return (options & RETAIN_AS_PUBLISHED) != 0;
    }
}
