package io.starling.spi;

/**
 * This node does not serve clients for now: it is cut off from its cluster (it sees fewer
 * members than {@code min-cluster-size}) or is merging back into it after a split. A CONNECT is
 * refused (CONNACK 3, MQTT 5: 0x88 server unavailable) so that the client tries another node.
 */
public final class ClusterUnavailableException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public ClusterUnavailableException(String why) {
        super(why);
    }
}
