package io.starling.testing;

import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How the MQTT fuzz tests read one input (the seed corpora under src/test/resources use it):
 * the first byte is a mode, the rest are the bytes a client sends.
 * <ul>
 *   <li>bit 0: send {@link #CONNECT} first, so that the bytes reach a connected session;</li>
 *   <li>bit 1: after the bytes, let an hour of scheduled time pass (connect timeout, keep alive);</li>
 *   <li>bits 2-7: the bytes arrive in chunks of this many bytes (0: all in one read).</li>
 * </ul>
 */
public record FuzzInput(boolean connectFirst, boolean advanceTime, int chunkSize, byte[] bytes) {

    /** CONNECT, MQTT 3.1.1, clean session, keep alive 60 s, client id "fuzz". */
    public static final byte[] CONNECT = concat(
            new byte[] {0x10, 16, 0, 4},
            "MQTT".getBytes(StandardCharsets.US_ASCII),
            new byte[] {4, 0x02, 0, 60, 0, 4},
            "fuzz".getBytes(StandardCharsets.US_ASCII));

    public static FuzzInput parse(byte[] data) {
        if (data.length == 0) {
            return new FuzzInput(false, false, 0, data);
        }
        int mode = data[0] & 0xFF;
        return new FuzzInput((mode & 1) != 0, (mode & 2) != 0, mode >> 2, Arrays.copyOfRange(data, 1, data.length));
    }

    /** Writes the bytes (after CONNECT, if asked) into the channel, a chunk per read, in buffers of its allocator. */
    public void writeTo(EmbeddedChannel channel) {
        byte[] all = connectFirst ? concat(CONNECT, bytes) : bytes;
        int step = chunkSize == 0 ? Math.max(all.length, 1) : chunkSize;
        for (int i = 0; i < all.length && channel.isOpen(); i += step) {
            int length = Math.min(step, all.length - i);
            channel.writeInbound(channel.alloc().buffer(length).writeBytes(all, i, length));
            channel.runPendingTasks();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
