package io.starling.bench;

import io.netty.channel.Channel;
import java.util.BitSet;

/**
 * Publishes one client's share of a run on its connection's event loop: up to {@code total}
 * messages, as fast as the window and the socket allow or at a fixed rate, never after the
 * stop time. It remembers which messages the broker acknowledged; those must all arrive.
 */
final class Publisher implements MqttClient.Listener, Published {

    /** Messages written per turn before the event loop is given back to other connections. */
    private static final int BURST = 64;

    private static final int PACKET_IDS = 65_535;

    private final int index;
    private final String topic;
    private final int qos;
    private final int total;
    private final int payloadSize;
    private final int window;
    /** Offered messages per second of this publisher; 0 means as fast as possible. */
    private final double rate;

    private final Progress progress;
    private final BitSet acked = new BitSet();
    private final BitSet inFlightIds = new BitSet();
    private MqttClient client;
    private long startNanos;
    private long stopNanos;
    private int sent;
    private int inFlight;
    private int unexpectedAcks;
    private boolean started;
    private boolean finished;
    private boolean pumpQueued;

    Publisher(
            int index, String topic, int qos, int total, int payloadSize, int window, double rate, Progress progress) {
        this.index = index;
        this.topic = topic;
        this.qos = qos;
        this.total = total;
        this.payloadSize = payloadSize;
        this.window = window;
        this.rate = rate;
        this.progress = progress;
    }

    /** Starts publishing on the client's event loop; stops sending new messages at {@code stop}. */
    void start(MqttClient publisherClient, long start, long stop) {
        publisherClient.channel().eventLoop().execute(() -> {
            client = publisherClient;
            startNanos = start;
            stopNanos = stop;
            started = true;
            pump();
        });
    }

    /** Sends what is due and fits; called on start, acks, writability and pacer ticks. Event loop only. */
    void pump() {
        pumpQueued = false;
        if (!started || finished) {
            return;
        }
        long now = System.nanoTime();
        boolean stopped = now >= stopNanos;
        int due = stopped ? sent : due(now);
        Channel channel = client.channel();
        int burst = 0;
        while (sent < due && burst < BURST && channel.isWritable() && (qos == 0 || inFlight < window) && sendNext()) {
            burst++;
        }
        if (burst > 0) {
            channel.flush();
        }
        if ((stopped || sent == total) && inFlight == 0) {
            finished = true;
            progress.onPublisherFinished(sent);
        } else if (burst == BURST && rate == 0 && !pumpQueued) {
            // More is due: come back after the other connections on this loop had their turn.
            pumpQueued = true;
            channel.eventLoop().execute(this::pump);
        }
    }

    private int due(long now) {
        if (rate == 0) {
            return total;
        }
        return (int) Math.min(total, (long) ((now - startNanos) * rate / 1e9) + 1);
    }

    /** Writes the next message; false when its packet id is still in flight (a lost ack). */
    private boolean sendNext() {
        int packetId = 0;
        if (qos > 0) {
            packetId = sent % PACKET_IDS + 1;
            if (inFlightIds.get(packetId)) {
                return false;
            }
            inFlightIds.set(packetId);
            inFlight++;
        }
        client.publish(
                topic,
                qos,
                packetId,
                Payloads.write(client.channel().alloc(), payloadSize, System.nanoTime(), index, sent));
        sent++;
        return true;
    }

    @Override
    public void onPublished(int packetId) {
        if (!inFlightIds.get(packetId)) {
            unexpectedAcks++;
            return;
        }
        inFlightIds.clear(packetId);
        inFlight--;
        acked.set(seqOf(packetId));
        pump();
    }

    /**
     * The sequence number a packet id in flight stands for. A packet id is never reused
     * while in flight, so it is the latest sequence number sent with that id.
     */
    private int seqOf(int packetId) {
        int last = sent - 1;
        return last - Math.floorMod(last - (packetId - 1), PACKET_IDS);
    }

    @Override
    public void onWritable() {
        pump();
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int sent() {
        return sent;
    }

    @Override
    public BitSet acked() {
        return acked;
    }

    @Override
    public int unacknowledged() {
        return inFlight;
    }

    @Override
    public int unexpectedAcks() {
        return unexpectedAcks;
    }
}
