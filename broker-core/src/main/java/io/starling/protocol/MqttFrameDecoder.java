package io.starling.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.starling.protocol.mqtt5.Mqtt5PacketCheck;
import io.starling.protocol.mqtt5.Mqtt5Violation;
import io.starling.protocol.mqtt5.ReasonCode;
import io.starling.protocol.wire.MalformedPacketException;
import io.starling.protocol.wire.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Cuts the byte stream into whole MQTT packets before Netty's {@code MqttDecoder} parses
 * them, and refuses what that decoder lets through: a remaining length over the maximum
 * packet size (refused as soon as the header is read, so the packet is never buffered; the
 * first packet, which must be CONNECT, no larger than the largest CONNECT, so a client that
 * has not connected holds at most that much),
 * remaining-length encodings over four bytes, fixed-header flags other than the ones MQTT
 * 3.1.1 prescribes per packet type, unknown protocol names, and strings (topic names,
 * filters, client id, will topic, user name) that are not well-formed UTF-8 or hold U+0000.
 * After an MQTT 5 CONNECT every packet goes through a {@link Mqtt5PacketCheck} instead
 * (properties, reason codes, subscription options), whose refusals carry the reason code the
 * connection sends.
 */
public final class MqttFrameDecoder extends ByteToMessageDecoder {

    private static final int CONNECT = 1;
    private static final int AUTH = 15;
    private static final int PUBLISH = 3;
    private static final int PUBREL = 6;
    private static final int SUBSCRIBE = 8;
    private static final int UNSUBSCRIBE = 10;

    /**
     * The largest CONNECT MQTT 3.1/3.1.1 can express (327,701 bytes): the fixed header (type
     * and three bytes of remaining length), the variable header with the longer protocol name
     * (MQIsdp: 2 + 6, level, flags, 2 of keep alive) and five length-prefixed fields of at
     * most 65,535 bytes (client id, will topic, will message, user name, password).
     */
    static final int LARGEST_CONNECT = 4 + 12 + 5 * (2 + 65_535);

    private final int maxPacketSize;
    /** The Topic Alias Maximum the broker announces to MQTT 5 clients. */
    private final int topicAliasMaximum;
    /** Set by an MQTT 5 CONNECT: the checks of every later packet. */
    private Mqtt5PacketCheck mqtt5;
    /** Until the first packet is out, no more than {@link #LARGEST_CONNECT}. */
    private int packetLimit;

    private boolean failed;

    public MqttFrameDecoder(int maxPacketSize) {
        this(maxPacketSize, 0);
    }

    public MqttFrameDecoder(int maxPacketSize, int topicAliasMaximum) {
        this.maxPacketSize = maxPacketSize;
        this.topicAliasMaximum = topicAliasMaximum;
        this.packetLimit = Math.min(maxPacketSize, LARGEST_CONNECT);
    }

    /**
     * Netty's MQTT decoder to put behind this one. Its own strict UTF-8 check is off: this
     * decoder has already checked every string it would check, and Netty's check decodes each
     * topic name a second time through a {@code CharsetDecoder} (a buffer per PUBLISH).
     */
    public static MqttDecoder nettyDecoder(int maxPacketSize, int maxClientIdLength) {
        return new MqttDecoder(maxPacketSize, maxClientIdLength, false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            ByteBuf frame = nextFrame(in);
            if (frame != null) {
                out.add(frame);
            }
        } catch (MalformedPacketException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private ByteBuf nextFrame(ByteBuf in) {
        int start = in.readerIndex();
        if (in.readableBytes() < 2) {
            return null;
        }
        int first = in.getByte(start) & 0xFF;
        int remaining = 0;
        int multiplier = 1;
        int lengthBytes = 0;
        while (true) {
            if (lengthBytes == 4) {
                throw new MalformedPacketException("remaining length longer than 4 bytes");
            }
            if (in.readableBytes() < 2 + lengthBytes) {
                return null;
            }
            int digit = in.getByte(start + 1 + lengthBytes) & 0xFF;
            lengthBytes++;
            remaining += (digit & 0x7F) * multiplier;
            multiplier *= 128;
            if ((digit & 0x80) == 0) {
                break;
            }
        }
        int headerLength = 1 + lengthBytes;
        long total = (long) headerLength + remaining;
        if (total > packetLimit) {
            if (mqtt5 != null) {
                throw new Mqtt5Violation(
                        ReasonCode.PACKET_TOO_LARGE,
                        "packet of " + total + " bytes exceeds the maximum packet size of " + packetLimit + " bytes");
            }
            throw new MalformedPacketException("packet of " + total + " bytes exceeds the maximum "
                    + (packetLimit == maxPacketSize ? "packet size" : "size of a first packet (CONNECT)") + " of "
                    + packetLimit + " bytes");
        }
        checkFixedHeaderFlags(first, mqtt5 != null);
        if (in.readableBytes() < total) {
            return null;
        }
        int body = start + headerLength;
        if (mqtt5 != null) {
            mqtt5.check(in, first, body, body + remaining);
            return in.readRetainedSlice((int) total);
        }
        switch (first >> 4) {
            case CONNECT -> checkConnect(in, body, remaining);
            case PUBLISH -> checkString(in, body, body + remaining, "topic name");
            case SUBSCRIBE -> checkFilters(in, body + 2, body + remaining, true);
            case UNSUBSCRIBE -> checkFilters(in, body + 2, body + remaining, false);
            default -> {
                // The other packets carry no strings.
            }
        }
        packetLimit = maxPacketSize;
        return in.readRetainedSlice((int) total);
    }

    private static void checkFixedHeaderFlags(int first, boolean mqtt5) {
        int type = first >> 4;
        int flags = first & 0x0F;
        if (type == 0 || (type == AUTH && !mqtt5)) {
            throw new MalformedPacketException("reserved packet type " + type);
        }
        if (type == PUBLISH) {
            int qos = (flags >> 1) & 0x03;
            if (qos == 3) {
                throw new MalformedPacketException("PUBLISH with QoS 3");
            }
            if (qos == 0 && (flags & 0x08) != 0) {
                throw new MalformedPacketException("PUBLISH with DUP=1 and QoS 0");
            }
            return;
        }
        int expected = type == PUBREL || type == SUBSCRIBE || type == UNSUBSCRIBE ? 0x02 : 0x00;
        if (flags != expected) {
            throw new MalformedPacketException("fixed header flags "
                    + Integer.toBinaryString(flags + 16).substring(1) + " of packet type " + type + " must be "
                    + Integer.toBinaryString(expected + 16).substring(1));
        }
    }

    /** Checks one length-prefixed string at {@code index}; returns the index after it. */
    private static int checkString(ByteBuf in, int index, int end, String what) {
        if (index + 2 > end) {
            throw new MalformedPacketException(what + " missing");
        }
        int length = in.getUnsignedShort(index);
        if (index + 2 + length > end) {
            throw new MalformedPacketException(what + " longer than the packet");
        }
        if (!Utf8.isValidMqttString(in, index + 2, length)) {
            throw new MalformedPacketException(what + " is not valid UTF-8 or contains U+0000");
        }
        return index + 2 + length;
    }

    private static int skipBinary(ByteBuf in, int index, int end, String what) {
        if (index + 2 > end) {
            throw new MalformedPacketException(what + " missing");
        }
        int next = index + 2 + in.getUnsignedShort(index);
        if (next > end) {
            throw new MalformedPacketException(what + " longer than the packet");
        }
        return next;
    }

    private static void checkFilters(ByteBuf in, int index, int end, boolean withQos) {
        int i = index;
        while (i < end) {
            i = checkString(in, i, end, "topic filter");
            if (withQos) {
                if (i >= end) {
                    throw new MalformedPacketException("requested QoS missing");
                }
                int options = in.getByte(i) & 0xFF;
                if (options > 2) {
                    throw new MalformedPacketException("requested QoS byte " + options + " (QoS 0-2, reserved bits 0)");
                }
                i++;
            }
        }
    }

    private void checkConnect(ByteBuf in, int body, int remaining) {
        int end = body + remaining;
        if (body + 2 > end) {
            throw new MalformedPacketException("CONNECT without protocol name");
        }
        int nameLength = in.getUnsignedShort(body);
        if (body + 2 + nameLength + 4 > end) {
            throw new MalformedPacketException("CONNECT variable header truncated");
        }
        String name = in.toString(body + 2, nameLength, StandardCharsets.UTF_8);
        if (!name.equals("MQTT") && !name.equals("MQIsdp")) {
            throw new MalformedPacketException("unknown protocol name '" + name + "'");
        }
        int levelIndex = body + 2 + nameLength;
        int level = in.getByte(levelIndex);
        if (level == 5 && name.equals("MQTT")) {
            Mqtt5PacketCheck check = Mqtt5PacketCheck.server(topicAliasMaximum);
            check.checkConnect(in, levelIndex, end);
            mqtt5 = check;
            return;
        }
        if (level != (name.equals("MQTT") ? 4 : 3)) {
            throw new UnsupportedProtocolLevelException(name, level);
        }
        int flags = in.getByte(levelIndex + 1) & 0xFF;
        int i = checkString(in, levelIndex + 4, end, "client id");
        if ((flags & 0x04) != 0) {
            i = checkString(in, i, end, "will topic");
            i = skipBinary(in, i, end, "will message");
        }
        if ((flags & 0x80) != 0) {
            i = checkString(in, i, end, "user name");
        }
        if ((flags & 0x40) != 0) {
            skipBinary(in, i, end, "password");
        }
    }
}
