package io.starling.session;

import io.starling.spi.StoredMessage;

/** What a session needs of the network connection it is attached to. */
public interface ClientLink {

    void sendPublish(StoredMessage message, int qos, int packetId, boolean dup);

    void sendPubrel(int packetId);

    /** Writes everything sent so far to the socket. */
    void flush();

    /** False while the socket's outbound buffer is above its high-water mark. */
    boolean isWritable();

    /**
     * Another connection took the session over: close this one. Its will is published now if
     * {@code sessionEnds} (the new connection started a new session, Clean Start), otherwise only
     * a will without delay is: the new connection cancels a delayed one [MQTT-3.1.3-9].
     */
    void closeForTakeover(boolean sessionEnds);

    /** The client does not drain its queue: close the connection with this reason (its will is published). */
    void closeAsSlowConsumer(String reason);

    /** An operator disconnects the client (admin API): close the connection (its will is published). */
    void closeByOperator();

    /** The connection as the admin API shows it (called on the session's thread). */
    ConnectionDetails details();

    /**
     * QoS 1/2 messages the client takes unacknowledged (an MQTT 5 client's Receive Maximum):
     * the in-flight window is the smaller of this and {@code max-inflight-messages}.
     */
    default int receiveMaximum() {
        return Integer.MAX_VALUE;
    }

    /** Whether the client takes this message at this QoS (an MQTT 5 client: not above its Maximum Packet Size). */
    default boolean accepts(StoredMessage message, int qos) {
        return true;
    }
}
