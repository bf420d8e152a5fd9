package io.starling.storage.mapdb;

import io.starling.spi.StoredMessage;
import java.nio.ByteBuffer;

/**
 * One message in one client's queue, as stored: the message itself is stored once and
 * referenced by its id, which is part of the entry's key.
 *
 * @param sequence increasing per store: the order entries were appended in
 * @param qos      the QoS the client gets it with
 * @param packetId the packet id it was sent with, 0 while queued
 * @param released whether the client's PUBREC was received
 * @param size     the bytes charged to the client's queue for it ({@link QueueUsage}); 0 in
 *     entries of store format 1, which the migration to format 2 rewrites
 * @param retain   the RETAIN flag the client gets it with ({@link #RETAIN_0}, {@link #RETAIN_1}),
 *     or {@link #RETAIN_OF_MESSAGE} in entries written before the flag was added, which take the
 *     message record's flag (what they were always sent with)
 * @param expiresAt when the message's Message Expiry passes ({@link StoredMessage#expiresAtMillis}),
 *     the key of its row in {@link StoreTables#expiring}; {@link #NO_EXPIRY} for none, and in
 *     entries written before the row was (they are dropped at their turn in the queue instead)
 */
record QueueEntry(long sequence, int qos, int packetId, boolean released, int size, byte retain, long expiresAt) {

    static final byte RETAIN_0 = 0;
    static final byte RETAIN_1 = 1;
    static final byte RETAIN_OF_MESSAGE = -1;
    static final long NO_EXPIRY = 0;

    private static final int FORMAT_1_BYTES = 8 + 1 + 2 + 1;
    private static final int FORMAT_2_BYTES = FORMAT_1_BYTES + 4;
    /** The retain byte is appended to format 2's entry: an older entry is shorter, no migration. */
    private static final int BYTES = FORMAT_2_BYTES + 1;
    /** The expiry follows it in the entry of a message that expires. */
    private static final int EXPIRING_BYTES = BYTES + 8;

    /** A new entry: not sent, not released, with an explicit RETAIN flag. */
    QueueEntry(long sequence, int qos, int packetId, int size, boolean retain, long expiresAt) {
        this(sequence, qos, packetId, false, size, retain ? RETAIN_1 : RETAIN_0, expiresAt);
    }

    QueueEntry withPacketId(int newPacketId) {
        return new QueueEntry(sequence, qos, newPacketId, released, size, retain, expiresAt);
    }

    QueueEntry asReleased() {
        return new QueueEntry(sequence, qos, packetId, true, size, retain, expiresAt);
    }

    QueueEntry withSize(int newSize) {
        return new QueueEntry(sequence, qos, packetId, released, newSize, retain, expiresAt);
    }

    /** The stored message as this client gets it. */
    StoredMessage asSent(StoredMessage message) {
        return retain == RETAIN_OF_MESSAGE ? message : message.withRetain(retain == RETAIN_1);
    }

    byte[] encode() {
        int length = retain == RETAIN_OF_MESSAGE ? FORMAT_2_BYTES : expiresAt == NO_EXPIRY ? BYTES : EXPIRING_BYTES;
        ByteBuffer out = ByteBuffer.allocate(length)
                .putLong(sequence)
                .put((byte) qos)
                .putShort((short) packetId)
                .put((byte) (released ? 1 : 0))
                .putInt(size);
        if (length >= BYTES) {
            out.put(retain);
        }
        if (length == EXPIRING_BYTES) {
            out.putLong(expiresAt);
        }
        return out.array();
    }

    static QueueEntry decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return new QueueEntry(
                in.getLong(),
                in.get(),
                Short.toUnsignedInt(in.getShort()),
                in.get() != 0,
                bytes.length >= FORMAT_2_BYTES ? in.getInt() : 0,
                bytes.length >= BYTES ? in.get() : RETAIN_OF_MESSAGE,
                bytes.length >= EXPIRING_BYTES ? in.getLong() : NO_EXPIRY);
    }
}
