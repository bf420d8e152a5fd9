package io.starling.storage.mapdb;

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
 */
record QueueEntry(long sequence, int qos, int packetId, boolean released, int size) {

    private static final int FORMAT_1_BYTES = 8 + 1 + 2 + 1;
    private static final int BYTES = FORMAT_1_BYTES + 4;

    QueueEntry withPacketId(int newPacketId) {
        return new QueueEntry(sequence, qos, newPacketId, released, size);
    }

    QueueEntry asReleased() {
        return new QueueEntry(sequence, qos, packetId, true, size);
    }

    QueueEntry withSize(int newSize) {
        return new QueueEntry(sequence, qos, packetId, released, newSize);
    }

    byte[] encode() {
        return ByteBuffer.allocate(BYTES)
                .putLong(sequence)
                .put((byte) qos)
                .putShort((short) packetId)
                .put((byte) (released ? 1 : 0))
                .putInt(size)
                .array();
    }

    static QueueEntry decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        return new QueueEntry(
                in.getLong(),
                in.get(),
                Short.toUnsignedInt(in.getShort()),
                in.get() != 0,
                bytes.length >= BYTES ? in.getInt() : 0);
    }
}
