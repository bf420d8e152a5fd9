package io.starling.session;

import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ClientLink} that records what a session sends, as short lines ("PUBLISH m1 q1
 * dup=false", "PUBREL"), with the packet ids apart (they start at a random position).
 * Thread-safe: the session writes on its executor, the test reads.
 */
final class RecordingLink implements ClientLink {

    private final List<String> sent = new ArrayList<>();
    private final List<Integer> packetIds = new ArrayList<>();
    private boolean writable = true;
    private String closedBecause;

    @Override
    public synchronized void sendPublish(StoredMessage message, int qos, int packetId, boolean dup) {
        sent.add("PUBLISH m" + message.id() + " q" + qos + " dup=" + dup);
        packetIds.add(packetId);
    }

    @Override
    public synchronized void sendPubrel(int packetId) {
        sent.add("PUBREL");
        packetIds.add(packetId);
    }

    @Override
    public void flush() {}

    @Override
    public synchronized boolean isWritable() {
        return writable;
    }

    synchronized void writable(boolean value) {
        writable = value;
    }

    @Override
    public synchronized void closeForTakeover(boolean sessionEnds) {
        closedBecause = "taken over";
    }

    @Override
    public synchronized void closeAsSlowConsumer(String reason) {
        closedBecause = reason;
    }

    @Override
    public synchronized void closeByOperator() {
        closedBecause = "disconnected by an operator";
    }

    @Override
    public ConnectionDetails details() {
        throw new AssertionError("no admin API in a session test");
    }

    synchronized List<String> sent() {
        return List.copyOf(sent);
    }

    /** The packet id of the {@code index}th packet sent (0 for QoS 0). */
    synchronized int packetId(int index) {
        return packetIds.get(index);
    }

    /** Why the session closed this link, or null. */
    synchronized String closedBecause() {
        return closedBecause;
    }
}
