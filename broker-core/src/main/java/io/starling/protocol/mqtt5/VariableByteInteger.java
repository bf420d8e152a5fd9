package io.starling.protocol.mqtt5;

import io.netty.buffer.ByteBuf;

/** MQTT 5.0 Variable Byte Integers (section 1.5.5): one to four bytes, seven bits each, shortest form only. */
public final class VariableByteInteger {

    /** The largest value four bytes can hold. */
    public static final int MAX = 268_435_455;

    private VariableByteInteger() {}

    /**
     * The integer at {@code index}, which must end before {@code end}. Since only the shortest
     * encoding is accepted [MQTT-1.5.5-1], its length is {@link #encodedLength} of the value.
     */
    public static int read(ByteBuf in, int index, int end, String what) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            if (index + i >= end) {
                throw Mqtt5Violation.malformed(what + " truncated");
            }
            int digit = in.getByte(index + i) & 0xFF;
            value |= (digit & 0x7F) << (7 * i);
            if ((digit & 0x80) == 0) {
                if (digit == 0 && i > 0) {
                    throw Mqtt5Violation.malformed(what + " not in its shortest encoding");
                }
                return value;
            }
        }
        throw Mqtt5Violation.malformed(what + " longer than 4 bytes");
    }

    public static int encodedLength(int value) {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    public static void write(ByteBuf out, int value) {
        int rest = value;
        do {
            int digit = rest & 0x7F;
            rest >>>= 7;
            out.writeByte(rest > 0 ? digit | 0x80 : digit);
        } while (rest > 0);
    }
}
