package io.starling.cluster.hazelcast;

/**
 * Whether this node serves clients. Not while it is cut off ({@code min-cluster-size} set, the
 * cluster formed once, and fewer members seen now): the larger side has taken its sessions over,
 * and what it would acknowledge the larger side never learns of. Nor while it merges back after
 * a split, until it has released the sessions the other side continued: a client connecting or
 * publishing meanwhile would meet stale sessions and a route table still being rebuilt.
 *
 * <p>Called on Hazelcast's event threads and the bus's worker.
 */
final class ServingGate {

    private final int minimum;
    private boolean formed;
    private boolean merging;
    private volatile boolean cutOff;
    private volatile boolean settling;

    /** @param minimum {@code min-cluster-size}; 0 for none (the node is never cut off) */
    ServingGate(int minimum) {
        this.minimum = minimum;
    }

    /**
     * The members changed; {@code members} counts this node.
     *
     * @return true when this node has just been cut off: its clients are to be sent away
     */
    synchronized boolean membersChanged(int members) {
        if (minimum <= 0) {
            return false;
        }
        if (members >= minimum) {
            formed = true;
            // Back without a merge (the others restarted and joined this node): nothing is stale here.
            cutOff = cutOff && merging;
            return false;
        }
        if (!formed || cutOff) {
            return false;
        }
        cutOff = true;
        return true;
    }

    /** Hazelcast starts merging this side into the other one. */
    synchronized void merging() {
        merging = true;
        settling = true;
    }

    /** The merge is over (or failed) and this node released what the other side continued. */
    synchronized void settled(int members) {
        merging = false;
        settling = false;
        cutOff = minimum > 0 && formed && members < minimum;
    }

    /** Whether a client may connect now. */
    boolean serves() {
        return !cutOff && !settling;
    }

    /** Why it may not, for the refused client's log line. */
    String why() {
        return settling
                ? "this node is merging back into its cluster"
                : "this node sees fewer cluster members than min-cluster-size " + minimum;
    }
}
