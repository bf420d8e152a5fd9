package io.starling.spi;

/**
 * Figures a cluster back end reports for monitoring (Prometheus {@code /metrics} and
 * {@code $SYS/broker/cluster/...}). Read from any thread.
 */
public interface ClusterStatistics {

    /** A node that is not clustered: one member, nothing forwarded. */
    ClusterStatistics SINGLE_NODE = new ClusterStatistics() {
        @Override
        public int members() {
            return 1;
        }

        @Override
        public long messagesForwarded() {
            return 0;
        }

        @Override
        public long messagesReceived() {
            return 0;
        }

        @Override
        public long forwardFailures() {
            return 0;
        }

        @Override
        public long acknowledgedBatches() {
            return 0;
        }

        @Override
        public long acknowledgementNanos() {
            return 0;
        }

        @Override
        public long pending() {
            return 0;
        }
    };

    /** Members of the cluster, this node included. */
    int members();

    /** Messages this node sent to other nodes (a message going to two nodes counts twice). */
    long messagesForwarded();

    /** Messages other nodes forwarded to this one. */
    long messagesReceived();

    /**
     * QoS 1/2 messages another node did not acknowledge (timed out, refused, or the node left):
     * their publishers were not acknowledged either and will resend.
     */
    long forwardFailures();

    /** Batches sent to other nodes that they acknowledged. */
    long acknowledgedBatches();

    /**
     * Time from sending those batches to their acknowledgement, summed, in nanoseconds: with
     * {@link #acknowledgedBatches()} the forwarding lag between nodes.
     */
    long acknowledgementNanos();

    /** Items (messages, subscription changes, requests) waiting to be sent to other nodes or acknowledged by them. */
    long pending();

    /** Parts of moving sessions' queues this node sent to their new nodes (a queue moves in parts). */
    default long queuePartsSent() {
        return 0;
    }

    /** The most bytes (as the cluster counts them for its batches) one of those parts carried. */
    default long largestQueuePartBytes() {
        return 0;
    }

    /**
     * Whether every part of the cluster's shared state (client id owners, session records) has its
     * backup copy on another member: only then can a member be lost without losing any of it.
     * False for a while after a member joined or left, while the copies are made again.
     */
    default boolean backupsInSync() {
        return true;
    }
}
