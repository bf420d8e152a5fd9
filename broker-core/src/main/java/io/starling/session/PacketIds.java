package io.starling.session;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntPredicate;

/**
 * Hands out the packet ids 1..65535 of one session, skipping those still in use, in order.
 * Ids are counted as ever-growing positions (the id of position p is {@code 1 + p % 65535}),
 * so that "later" is well defined across wrap-arounds.
 *
 * <p>In a cluster a persistent session may continue on another node after its node was lost,
 * and that node does not know which ids the lost node left open in the client (a QoS 2
 * message the client answered with PUBREC, whose PUBREL never came). Reusing one before the
 * lost node returns makes the client take the new PUBLISH for the old exchange: one of the two
 * messages is not handed to the application. So ids are used under a lease: the cluster's
 * record of the session says up to which position its node may use ids ({@link Leases}), the
 * node renews the lease half a lease ahead, and waits if it ever reaches the end first; a node
 * that continues the session starts where the lease ends ({@link #resumeAt}). A lease covers
 * {@link #LEASE} ids: one cluster write per that many messages.
 */
final class PacketIds {

    /** Ids per lease. Far below 65535, so that the ids the lost node may have open are never reached. */
    static final int LEASE = 4096;

    /**
     * Extends the lease of a session's ids: answers with {@link #leased} or {@link #renewalFailed}
     * on the session's thread.
     */
    interface Leases {
        void renew(long upTo);
    }

    /** Null: ids need no lease (a single node, or a session that cannot continue elsewhere). */
    private final Leases leases;

    private long position = ThreadLocalRandom.current().nextInt(65535);
    /** Positions below this are leased. */
    private long leasedTo;

    private boolean renewing;

    PacketIds(Leases leases) {
        this.leases = leases;
    }

    /** Continues a session from another node: the ids from {@code from} on were never used by it. */
    void resumeAt(long from) {
        if (from > 0) {
            position = from;
            leasedTo = Math.min(leasedTo, from);
        }
    }

    /** Where a node continuing this session must start: after every id this one may have used. */
    long resumePoint() {
        return leases == null ? position : Math.max(position, leasedTo);
    }

    /** Whether an id can be handed out now; if not, the session is pumped again once the lease is renewed. */
    boolean available() {
        renewEarly();
        return leases == null || position < leasedTo;
    }

    /**
     * The next free id; {@code inUse} tells which are taken. At most 65535 may be in use.
     *
     * @return the id, or 0 if the lease ends first (see {@link #available})
     */
    int next(IntPredicate inUse) {
        for (int tries = 0; tries < 65535; tries++) {
            if (!available()) {
                return 0;
            }
            int id = (int) (position % 65535) + 1;
            position++;
            if (!inUse.test(id)) {
                return id;
            }
        }
        throw new IllegalStateException("all 65535 packet ids are in use");
    }

    private void renewEarly() {
        if (leases == null || renewing || leasedTo - position > LEASE / 2) {
            return;
        }
        renewing = true;
        leases.renew(position + LEASE);
    }

    /** The cluster holds the lease up to {@code upTo}. */
    void leased(long upTo) {
        leasedTo = Math.max(leasedTo, upTo);
        renewing = false;
    }

    /** The session starts afresh (it may be persistent now): nothing is leased any more. */
    void forgetLease() {
        leasedTo = 0;
    }

    /** A renewal failed: the next request for an id tries again. */
    void renewalFailed() {
        renewing = false;
    }
}
