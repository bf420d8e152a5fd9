package io.starling.session;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/**
 * Hands out the packet ids 1..65535 of one session, skipping those still in use, in order from
 * a random starting point. Why random: a session continued on another cluster node after its
 * node was lost does not know which packet ids that node left open in the client (a QoS 2
 * message the client answered with PUBREC, whose PUBREL never came). Reusing one of them before
 * that node returns makes the client take the new PUBLISH for the old exchange, and one of the
 * two messages is not handed to the application. Every session starting at 1 made that nearly
 * certain for a young session; from a random point, k messages sent meanwhile meet one of at
 * most a window's worth of open ids with a chance of about (k + window) / 65535.
 */
final class PacketIds {

    private int next = ThreadLocalRandom.current().nextInt(1, 65536);

    /** The next free id; {@code inUse} tells which are taken. At most 65535 may be in use. */
    int next(IntPredicate inUse) {
        for (int tries = 0; tries < 65535; tries++) {
            int id = next;
            next = next == 65535 ? 1 : next + 1;
            if (!inUse.test(id)) {
                return id;
            }
        }
        throw new IllegalStateException("all 65535 packet ids are in use");
    }
}
