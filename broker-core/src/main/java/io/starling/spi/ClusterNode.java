package io.starling.spi;

/** What a {@link ClusterBus} may ask of the local broker node. */
public interface ClusterNode {

    /** Delivers a message forwarded from another node to this node's matching subscribers. */
    void deliverForwarded(StoredMessage message);

    /** Another node took this client id over: close the local connection of that id. */
    void disconnectTakenOver(String clientId);
}
