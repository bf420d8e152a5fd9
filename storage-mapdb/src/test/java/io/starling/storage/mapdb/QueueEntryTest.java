package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.StoredMessage;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class QueueEntryTest {

    private static final StoredMessage PUBLISHED_RETAINED = new StoredMessage(7, "t", 1, true, new byte[] {1}, 0);

    @Test
    void theRetainFlagOfTheEntryDecidesHowTheMessageIsSent() {
        QueueEntry kept = QueueEntry.decode(new QueueEntry(1, 1, 0, 40, true, QueueEntry.NO_EXPIRY).encode());
        QueueEntry cleared = QueueEntry.decode(new QueueEntry(2, 1, 0, 40, false, 1234).encode());
        assertTrue(kept.asSent(PUBLISHED_RETAINED).retain());
        assertFalse(cleared.asSent(PUBLISHED_RETAINED).retain());
        assertEquals(1234, cleared.withPacketId(3).expiresAt(), "the expiry is kept with the entry");
        assertEquals(QueueEntry.NO_EXPIRY, kept.expiresAt());
        assertTrue(
                kept.withPacketId(5)
                        .asReleased()
                        .withSize(9)
                        .asSent(PUBLISHED_RETAINED.withRetain(false))
                        .retain(),
                "kept through every change of the entry");
    }

    @Test
    void anEntryWrittenBeforeTheFlagTakesTheMessageRecordsFlag() {
        byte[] format2 = ByteBuffer.allocate(16)
                .putLong(3)
                .put((byte) 2)
                .putShort((short) 9)
                .put((byte) 1)
                .putInt(40)
                .array();
        QueueEntry entry = QueueEntry.decode(format2);
        assertEquals(new QueueEntry(3, 2, 9, true, 40, QueueEntry.RETAIN_OF_MESSAGE, QueueEntry.NO_EXPIRY), entry);
        assertTrue(entry.asSent(PUBLISHED_RETAINED).retain());
        assertFalse(entry.asSent(PUBLISHED_RETAINED.withRetain(false)).retain());
        assertEquals(16, entry.encode().length, "rewritten as it was (a packet id or PUBREC marked)");
    }
}
