package io.starling.bench;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Counts what one subscriber receives, per publisher: which sequence numbers arrived,
 * how many arrived again (duplicates) and how many arrived after a later one of the same
 * publisher (out of order). Records each first arrival's latency. Event loop only; read the
 * counts after the connection closed.
 */
final class Subscriber implements MqttClient.Listener {

    /** The lowest publisher index this subscriber may hear; {@link #received} starts there. */
    private final int first;

    private final BitSet[] received;
    private final int[] lastSeq;
    private final Progress progress;
    private final Latency latency;
    private long duplicates;
    private long reordered;
    private long foreign;

    /** @param publishers publisher indexes this subscriber may hear are below this */
    Subscriber(int publishers, Progress progress, Latency latency) {
        this(0, publishers, progress, latency);
    }

    /**
     * Hears the publishers {@code first} to {@code first + publishers - 1} only: a subscriber of
     * one publisher among thousands keeps one slot, not one per publisher of the run.
     */
    Subscriber(int first, int publishers, Progress progress, Latency latency) {
        this.first = first;
        this.received = new BitSet[publishers];
        this.lastSeq = new int[publishers];
        Arrays.fill(lastSeq, -1);
        this.progress = progress;
        this.latency = latency;
    }

    @Override
    public void onMessage(ByteBuf payload) {
        long now = System.nanoTime();
        if (payload.readableBytes() < Payloads.HEADER) {
            foreign++;
            return;
        }
        int publisher = Payloads.publisher(payload) - first;
        int seq = Payloads.seq(payload);
        if (publisher < 0 || publisher >= received.length || seq < 0) {
            foreign++;
            return;
        }
        BitSet seen = received[publisher];
        if (seen == null) {
            seen = new BitSet();
            received[publisher] = seen;
        }
        if (seen.get(seq)) {
            duplicates++;
            return;
        }
        seen.set(seq);
        if (seq < lastSeq[publisher]) {
            reordered++;
        } else {
            lastSeq[publisher] = seq;
        }
        latency.record(Payloads.sentNanos(payload), now);
        progress.onDelivered();
    }

    /** The sequence numbers received from the publisher. */
    BitSet receivedFrom(int publisher) {
        BitSet seen = received[publisher - first];
        return seen == null ? new BitSet() : seen;
    }

    long duplicates() {
        return duplicates;
    }

    long reordered() {
        return reordered;
    }

    /** Messages that are not this run's (wrong size or publisher): a routing bug. */
    long foreign() {
        return foreign;
    }
}
