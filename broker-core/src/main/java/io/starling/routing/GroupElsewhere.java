package io.starling.routing;

import io.starling.session.SharedCopy;

/**
 * What a {@link SharedGroup} of this node needs of the same group on the other nodes of the
 * cluster (implemented by {@link SharedSubscriptions} over the cluster bus; on a single node
 * there is no other node).
 */
interface GroupElsewhere {

    /** The group's members online on this node changed (called under the group's lock, in order). */
    void online(SharedGroup group, int online);

    /** Whether another node has members of the group online. */
    boolean hasOnline(SharedGroup group);

    /**
     * Sends a message waiting in this node's queue of the group (stored here under the group's
     * name) to another node with members online. When that node is done with it, the group is
     * ({@link SharedGroup#done}); if it leaves first, the message comes back ({@link SharedGroup#takeBack}).
     */
    void sendOn(SharedGroup group, SharedCopy copy);

    /** This node's group is done with the message: the node that sent it here (if one did) is told. */
    void done(SharedGroup group, long messageId);
}
