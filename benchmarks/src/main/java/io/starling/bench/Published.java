package io.starling.bench;

import java.util.BitSet;

/**
 * What one publisher of a run sent and had acknowledged, as {@link DeliveryCheck} compares it
 * with what the subscribers received: a {@link Publisher} of this process, or one of an earlier
 * process of the same run ({@link #allAcknowledged}).
 */
interface Published {

    int index();

    int sent();

    /** The sequence numbers the broker acknowledged (QoS 1/2). */
    BitSet acked();

    /** Messages sent and never acknowledged (QoS 1/2). */
    int unacknowledged();

    /** PUBACK / PUBCOMP for packet ids not in flight: a broker bug. */
    int unexpectedAcks();

    /**
     * A publisher of an earlier phase of the run (another process) that sent {@code count}
     * messages, numbered from 0, all acknowledged: that phase failed otherwise.
     */
    static Published allAcknowledged(int index, int count) {
        BitSet acked = new BitSet(count);
        acked.set(0, count);
        return new Published() {
            @Override
            public int index() {
                return index;
            }

            @Override
            public int sent() {
                return count;
            }

            @Override
            public BitSet acked() {
                return acked;
            }

            @Override
            public int unacknowledged() {
                return 0;
            }

            @Override
            public int unexpectedAcks() {
                return 0;
            }
        };
    }
}
