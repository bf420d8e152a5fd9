package io.starling.storage.mapdb;

import io.starling.spi.MessagePropertiesBytes;
import io.starling.spi.StoredMessage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The stored form of a {@link StoredMessage}: id, timestamp, qos, retain, topic (UTF-8) and
 * payload, lengths as 4-byte ints, then (store format 3) its MQTT 5 properties to the end of the
 * record ({@link MessagePropertiesBytes}: nothing for a message without, so the records of
 * formats 1 and 2 read as messages without properties). Part of store format
 * {@value StoreTables#FORMAT}: a change here needs a new format version.
 */
final class MessageCodec {

    private static final int FIXED_BYTES = 8 + 8 + 1 + 1 + 4 + 4;

    private MessageCodec() {}

    static byte[] encode(StoredMessage message) {
        byte[] topic = message.topic().getBytes(StandardCharsets.UTF_8);
        byte[] properties = MessagePropertiesBytes.encode(message.properties());
        ByteBuffer out = ByteBuffer.allocate(FIXED_BYTES + topic.length + message.payload().length + properties.length);
        out.putLong(message.id())
                .putLong(message.timestamp())
                .put((byte) message.qos())
                .put((byte) (message.retain() ? 1 : 0))
                .putInt(topic.length)
                .put(topic)
                .putInt(message.payload().length)
                .put(message.payload())
                .put(properties);
        return out.array();
    }

    /** About the length of {@link #encode}'s result, without encoding (the topic's characters taken for its bytes). */
    static int sizeOf(StoredMessage message) {
        return FIXED_BYTES
                + message.topic().length()
                + message.payload().length
                + MessagePropertiesBytes.sizeOf(message.properties());
    }

    static StoredMessage decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long id = in.getLong();
        long timestamp = in.getLong();
        int qos = in.get();
        boolean retain = in.get() != 0;
        byte[] topic = new byte[in.getInt()];
        in.get(topic);
        byte[] payload = new byte[in.getInt()];
        in.get(payload);
        byte[] properties = new byte[in.remaining()];
        in.get(properties);
        return new StoredMessage(
                id,
                new String(topic, StandardCharsets.UTF_8),
                qos,
                retain,
                payload,
                timestamp,
                MessagePropertiesBytes.decode(properties));
    }
}
