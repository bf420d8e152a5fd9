package io.starling.session;

import java.util.function.IntPredicate;

/** Hands out the packet ids 1..65535 of one session, skipping those still in use. */
final class PacketIds {

    private int next = 1;

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
