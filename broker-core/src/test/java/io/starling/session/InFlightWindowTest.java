package io.starling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The in-flight window's acknowledgement rules and resend order, without a session or a socket. */
class InFlightWindowTest {

    private final InFlightWindow window = new InFlightWindow();

    private static InFlightWindow.Entry entry(long id, int qos) {
        return new InFlightWindow.Entry(new StoredMessage(id, "t", qos, false, new byte[1], 0), qos, true, false);
    }

    @Test
    void pubackEndsAQos1MessageOnce() {
        InFlightWindow.Entry sent = entry(1, 1);
        window.put(5, sent);
        assertNull(window.acknowledge(5, 2), "PUBCOMP for a QoS 1 message");
        assertNull(window.acknowledge(6, 1), "unknown packet id");
        assertSame(sent, window.acknowledge(5, 1));
        assertEquals(0, window.size());
        assertNull(window.acknowledge(5, 1), "a second PUBACK");
    }

    @Test
    void pubcompEndsAQos2MessageOnlyAfterPubrec() {
        InFlightWindow.Entry sent = entry(1, 2);
        window.put(7, sent);
        assertNull(window.acknowledge(7, 2), "PUBCOMP before PUBREC");
        assertNull(window.acknowledge(7, 1), "PUBACK for a QoS 2 message");
        assertSame(sent, window.qos2(7));
        window.qos2(7).released = true;
        assertSame(sent, window.acknowledge(7, 2));
        assertEquals(0, window.size());
    }

    @Test
    void pubrecRefersOnlyToQos2Messages() {
        window.put(1, entry(1, 1));
        assertNull(window.qos2(1));
        assertNull(window.qos2(2));
    }

    @Test
    void resendsEverythingInSendOrderAsDuplicatesOrPubrel() {
        window.put(30, entry(1, 1));
        window.put(10, entry(2, 2));
        window.put(20, entry(3, 2));
        window.qos2(10).released = true;
        RecordingLink link = new RecordingLink();
        window.resend(link, 10);
        assertEquals(List.of("PUBLISH m1 q1 dup=true", "PUBREL", "PUBLISH m3 q2 dup=true"), link.sent());
        assertEquals(List.of(30, 10, 20), List.of(link.packetId(0), link.packetId(1), link.packetId(2)));
    }

    @Test
    void resendsNoMoreThanTheWindowAndTheRestAsAcknowledgementsMakeRoom() {
        window.put(30, entry(1, 1));
        window.put(10, entry(2, 1));
        window.put(20, entry(3, 1));
        RecordingLink link = new RecordingLink();
        window.resend(link, 1);
        assertEquals(List.of("PUBLISH m1 q1 dup=true"), link.sent());
        window.resendHeld(link, 1);
        assertEquals(1, link.sent().size(), "no room until an acknowledgement");
        window.acknowledge(30, 1);
        window.resendHeld(link, 1);
        assertEquals(List.of("PUBLISH m1 q1 dup=true", "PUBLISH m2 q1 dup=true"), link.sent());
        window.acknowledge(10, 1);
        window.resendHeld(link, 1);
        assertEquals(List.of(30, 10, 20), List.of(link.packetId(0), link.packetId(1), link.packetId(2)));
    }

    @Test
    void snapshotKeepsPacketIdsAndReleaseInSendOrder() {
        window.put(9, entry(1, 2));
        window.put(4, entry(2, 1));
        window.qos2(9).released = true;
        List<QueuedMessage> snapshot = new ArrayList<>();
        window.addTo(snapshot);
        assertEquals(
                List.of(9, 4), snapshot.stream().map(QueuedMessage::packetId).toList());
        assertTrue(snapshot.get(0).released());
        Set<Long> ids = new HashSet<>();
        window.addMessageIds(ids);
        assertEquals(Set.of(1L, 2L), ids);
    }

    @Test
    void theSharedEmptyWindowCannotBeWritten() {
        assertEquals(0, InFlightWindow.EMPTY.size());
        assertThrows(UnsupportedOperationException.class, () -> InFlightWindow.EMPTY.put(1, entry(1, 1)));
    }
}
