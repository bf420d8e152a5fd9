package io.starling.session;

import java.util.List;

/**
 * What a session tells the shared subscription groups it is a member of (implemented by
 * {@code routing.SharedGroup}; an interface here so that this package does not depend on
 * routing). Called on the session's thread.
 */
public interface SharedMembership {

    /**
     * How many more QoS 1/2 messages the member can be sent at once: the free slots of its
     * in-flight window while nothing waits in its queue; 0 when full, -1 when offline.
     */
    void memberRoom(Session member, int room);

    /**
     * Messages of this group that the member got and did not acknowledge (QoS 1 in flight, or
     * still queued), taken back because its connection ended: they go to other members, or
     * wait in the group's queue.
     */
    void redistribute(Session from, List<SharedCopy> copies);

    /**
     * The member is done with the group's message: acknowledged it, got it at QoS 0, or keeps a
     * QoS 2 message already sent [MQTT-4.8.2-5]. The group forgets its stored copy.
     */
    void done(long messageId);
}
