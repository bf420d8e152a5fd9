package io.starling.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The payload of every benchmark message: send time ({@link System#nanoTime}, publishers and
 * subscribers share the JVM), publisher index and sequence number, then zeros up to the size.
 */
final class Payloads {

    static final int HEADER = 16;

    private Payloads() {}

    static ByteBuf write(ByteBufAllocator alloc, int size, long sentNanos, int publisher, int seq) {
        ByteBuf buf = alloc.buffer(size, size);
        buf.writeLong(sentNanos).writeInt(publisher).writeInt(seq).writeZero(size - HEADER);
        return buf;
    }

    static long sentNanos(ByteBuf payload) {
        return payload.getLong(payload.readerIndex());
    }

    static int publisher(ByteBuf payload) {
        return payload.getInt(payload.readerIndex() + 8);
    }

    static int seq(ByteBuf payload) {
        return payload.getInt(payload.readerIndex() + 12);
    }
}
