package io.starling.storage.mapdb;

import io.starling.spi.DelayedWill;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stored form of a {@link DelayedWill} (the value of the {@code wills} table, keyed by
 * client id): when it is due, the user name (length -1 for none) and the message as
 * {@link MessageCodec} writes it, to the end of the record.
 */
final class WillCodec {

    private WillCodec() {}

    static byte[] encode(DelayedWill will) {
        byte[] username = will.username() == null ? null : will.username().getBytes(StandardCharsets.UTF_8);
        byte[] message = MessageCodec.encode(will.message());
        return ByteBuffer.allocate(8 + 4 + (username == null ? 0 : username.length) + message.length)
                .putLong(will.dueMillis())
                .putInt(username == null ? -1 : username.length)
                .put(username == null ? new byte[0] : username)
                .put(message)
                .array();
    }

    static DelayedWill decode(String clientId, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        long due = in.getLong();
        int usernameLength = in.getInt();
        String username = null;
        if (usernameLength >= 0) {
            byte[] name = new byte[usernameLength];
            in.get(name);
            username = new String(name, StandardCharsets.UTF_8);
        }
        return new DelayedWill(
                clientId, username, MessageCodec.decode(Arrays.copyOfRange(bytes, in.position(), bytes.length)), due);
    }
}
