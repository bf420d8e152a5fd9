package io.starling.routing;

import io.starling.session.PushBack;
import io.starling.session.Session;

/** A client of this node whose socket can stop being read while a queue its messages go to is full. */
public interface PausablePublisher {

    /** The publisher's own session (it is never paused for its own queue). */
    Session session();

    /** Stops reading the publisher until {@code full} has room. Safe from any thread. */
    void pauseFor(PushBack full);
}
