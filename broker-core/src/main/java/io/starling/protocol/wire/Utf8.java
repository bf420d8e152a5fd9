package io.starling.protocol.wire;

import io.netty.buffer.ByteBuf;

/**
 * Strict UTF-8 validation of MQTT strings (MQTT 3.1.1 section 1.5.3): well-formed, no
 * overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, and no U+0000.
 * Netty's decoder replaces bad sequences instead of refusing them, so frames are checked
 * here first.
 */
public final class Utf8 {

    private Utf8() {}

    public static boolean isValidMqttString(ByteBuf buf, int index, int length) {
        int i = index;
        int end = index + length;
        while (i < end) {
            int b = buf.getByte(i) & 0xFF;
            if (b == 0) {
                return false;
            }
            if (b < 0x80) {
                i++;
                continue;
            }
            int extra;
            int min;
            int codePoint;
            if (b >= 0xC2 && b <= 0xDF) {
                extra = 1;
                min = 0x80;
                codePoint = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                extra = 2;
                min = 0x800;
                codePoint = b & 0x0F;
            } else if (b >= 0xF0 && b <= 0xF4) {
                extra = 3;
                min = 0x10000;
                codePoint = b & 0x07;
            } else {
                return false;
            }
            if (i + extra >= end) {
                return false;
            }
            for (int k = 1; k <= extra; k++) {
                int c = buf.getByte(i + k) & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    return false;
                }
                codePoint = (codePoint << 6) | (c & 0x3F);
            }
            if (codePoint < min || codePoint > 0x10FFFF || (codePoint >= 0xD800 && codePoint <= 0xDFFF)) {
                return false;
            }
            i += extra + 1;
        }
        return true;
    }
}
