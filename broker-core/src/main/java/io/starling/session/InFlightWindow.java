package io.starling.session;

import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The QoS 1/2 messages sent to one client and not acknowledged yet, by packet id, in send
 * order: the MQTT acknowledgement rules (PUBACK, PUBREC, PUBCOMP) and what a reconnecting
 * client gets again. Its size is bounded by its owner ({@link Outbound}), which sends only
 * while it has room. Confined to the session's executor.
 */
final class InFlightWindow {

    /** A message sent with a packet id and not acknowledged yet. */
    static final class Entry {
        final StoredMessage message;
        final int qos;
        /** Whether the message is in the client's stored queue (removed from it when done). */
        final boolean stored;
        /** PUBREC received (QoS 2): PUBREL is what is sent again. */
        boolean released;
        /** Not sent again on this connection yet: its client's Receive Maximum had no room (see {@link #resend}). */
        boolean held;
        /** Its first PUBLISH waits for the store (see {@code Outbound}): not sent again before that. */
        boolean awaitingSend;

        Entry(StoredMessage message, int qos, boolean stored, boolean released) {
            this.message = message;
            this.qos = qos;
            this.stored = stored;
            this.released = released;
        }
    }

    /**
     * The window of every session that never had a message in flight: never written to (the
     * owner replaces it by its own at the first message); an idle client's own empty map would
     * cost about 50 bytes.
     */
    static final InFlightWindow EMPTY = new InFlightWindow(Map.of());

    private final Map<Integer, Entry> entries;
    /** Whether some entry is {@link Entry#held}. */
    private boolean anyHeld;

    InFlightWindow() {
        this(new LinkedHashMap<>());
    }

    private InFlightWindow(Map<Integer, Entry> entries) {
        this.entries = entries;
    }

    int size() {
        return entries.size();
    }

    boolean contains(int packetId) {
        return entries.containsKey(packetId);
    }

    /** Whether {@code entry} is still in flight under {@code packetId}. */
    boolean isEntry(int packetId, Entry entry) {
        return entries.get(packetId) == entry;
    }

    /** Records a message as sent with {@code packetId}. */
    void put(int packetId, Entry entry) {
        entries.put(packetId, entry);
    }

    /**
     * PUBACK (QoS 1) or PUBCOMP (QoS 2, only after PUBREC): the message is done and leaves the
     * window.
     *
     * @return the message's entry, or null if the packet id is unknown or the acknowledgement
     *     does not fit its QoS or state
     */
    Entry acknowledge(int packetId, int expectedQos) {
        Entry entry = entries.get(packetId);
        if (entry == null || entry.qos != expectedQos || (expectedQos == 2 && !entry.released)) {
            return null;
        }
        entries.remove(packetId);
        return entry;
    }

    /**
     * The QoS 2 message in flight with {@code packetId}, or null: what a PUBREC refers to (its
     * owner marks it {@code released}).
     */
    Entry qos2(int packetId) {
        Entry entry = entries.get(packetId);
        return entry == null || entry.qos != 2 ? null : entry;
    }

    /**
     * Everything unacknowledged again, in the original order: DUP=1 PUBLISH, or PUBREL once
     * PUBREC came; at most {@code window} of them (a client may reconnect with a lower Receive
     * Maximum [MQTT-3.3.4-9]): the others are held and go out as acknowledgements make room
     * ({@link #resendHeld}).
     */
    void resend(ClientLink link, int window) {
        int sent = 0;
        for (Map.Entry<Integer, Entry> next : entries.entrySet()) {
            Entry entry = next.getValue();
            if (entry.awaitingSend) {
                // Goes out in its turn, on this connection, and counts as out.
                sent++;
                continue;
            }
            entry.held = sent >= window;
            if (entry.held) {
                anyHeld = true;
            } else {
                resend(link, next.getKey(), entry);
                sent++;
            }
        }
    }

    /** Sends held messages again, oldest first, while fewer than {@code window} are out on this connection. */
    void resendHeld(ClientLink link, int window) {
        if (!anyHeld) {
            return;
        }
        int out = 0;
        for (Entry entry : entries.values()) {
            if (!entry.held) {
                out++;
            }
        }
        anyHeld = false;
        for (Map.Entry<Integer, Entry> next : entries.entrySet()) {
            Entry entry = next.getValue();
            if (!entry.held) {
                continue;
            }
            if (out < window) {
                entry.held = false;
                resend(link, next.getKey(), entry);
                out++;
            } else {
                anyHeld = true;
            }
        }
    }

    static void resend(ClientLink link, int packetId, Entry entry) {
        if (entry.released) {
            link.sendPubrel(packetId);
        } else {
            link.sendPublish(entry.message, entry.qos, packetId, true);
        }
    }

    /** The id of the message in flight with {@code packetId}, or -1. */
    long messageId(int packetId) {
        Entry entry = entries.get(packetId);
        return entry == null ? -1 : entry.message.id();
    }

    /**
     * Takes the QoS 1 messages with one of the {@code ids} out of the window (a shared
     * subscription's messages that go to another member; their packet ids are free again)
     * and adds them to {@code taken}, in send order. QoS 2 messages stay: once sent, one is
     * never sent to another member [MQTT-4.8.2-5].
     */
    void removeQos1(Set<Long> ids, List<SharedCopy> taken) {
        entries.values().removeIf(entry -> {
            if (entry.qos != 1 || !ids.contains(entry.message.id())) {
                return false;
            }
            taken.add(new SharedCopy(entry.message, entry.qos));
            return true;
        });
    }

    /** Adds the message ids in the window to {@code ids}. */
    void addMessageIds(Set<Long> ids) {
        entries.values().forEach(entry -> ids.add(entry.message.id()));
    }

    /** Adds the window's messages with their packet ids to {@code messages}, in send order. */
    void addTo(List<QueuedMessage> messages) {
        entries.forEach((packetId, entry) ->
                messages.add(new QueuedMessage(entry.message, entry.qos, packetId, entry.released)));
    }
}
