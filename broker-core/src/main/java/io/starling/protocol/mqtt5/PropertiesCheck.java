package io.starling.protocol.mqtt5;

import io.netty.buffer.ByteBuf;
import io.starling.protocol.wire.Utf8;

/**
 * Checks the properties section of one packet (section 2.2.2) the way the standard asks of a
 * receiver: an identifier MQTT 5.0 does not define, or one the packet may not carry, or a
 * value cut short or not well-formed UTF-8, makes it a Malformed Packet (0x81); a property given
 * twice where only once is allowed, or a value outside its range, is a Protocol Error (0x82); a
 * Topic Alias of 0 is Topic Alias invalid (0x94). Netty's decoder, behind this check, neither
 * refuses duplicates (the last one wins) nor properties in the wrong packet. Reused per
 * packet: it remembers which properties the last section held.
 */
final class PropertiesCheck {

    /** Bit {@code id} set: the last section held property {@code id} (all ids are below 64). */
    private long seen;

    private int topicAlias;

    /** Checks the section at {@code index} (its length first); returns the index after it. */
    int check(ByteBuf in, int index, int end, PacketType packet) {
        seen = 0;
        topicAlias = 0;
        int length = VariableByteInteger.read(in, index, end, "property length");
        int i = index + VariableByteInteger.encodedLength(length);
        int sectionEnd = i + length;
        if (length > end - i) {
            throw Mqtt5Violation.malformed("properties of " + packet + " longer than the packet");
        }
        while (i < sectionEnd) {
            int id = VariableByteInteger.read(in, i, sectionEnd, "property identifier");
            i += VariableByteInteger.encodedLength(id);
            PropertyId property = PropertyId.of(id);
            if (property == null) {
                throw Mqtt5Violation.malformed(String.format("unknown property identifier 0x%02X in %s", id, packet));
            }
            if (!property.allowedIn(packet)) {
                throw Mqtt5Violation.malformed(property.displayName() + " is not allowed in " + describe(packet));
            }
            long bit = 1L << id;
            if ((seen & bit) != 0 && !property.repeatableIn(packet)) {
                throw Mqtt5Violation.protocolError(property.displayName() + " twice in " + describe(packet));
            }
            seen |= bit;
            i = checkValue(in, i, sectionEnd, property, packet);
        }
        return sectionEnd;
    }

    boolean has(PropertyId property) {
        return (seen & (1L << property.id())) != 0;
    }

    /** The Topic Alias of the last section, 0 if it had none. */
    int topicAlias() {
        return topicAlias;
    }

    private int checkValue(ByteBuf in, int index, int end, PropertyId property, PacketType packet) {
        String what = property.displayName();
        return switch (property.type()) {
            case BYTE -> {
                need(index, 1, end, what);
                int value = in.getUnsignedByte(index);
                if (value > 1) {
                    throw Mqtt5Violation.protocolError(what + " of " + value + " (0 or 1)");
                }
                yield index + 1;
            }
            case TWO_BYTE_INTEGER -> {
                need(index, 2, end, what);
                int value = in.getUnsignedShort(index);
                if (value == 0 && property == PropertyId.TOPIC_ALIAS) {
                    // [MQTT-3.3.2-8]
                    throw new Mqtt5Violation(ReasonCode.TOPIC_ALIAS_INVALID, "Topic Alias 0");
                }
                if (value == 0 && property == PropertyId.RECEIVE_MAXIMUM) {
                    throw Mqtt5Violation.protocolError("Receive Maximum 0");
                }
                if (property == PropertyId.TOPIC_ALIAS) {
                    topicAlias = value;
                }
                yield index + 2;
            }
            case FOUR_BYTE_INTEGER -> {
                need(index, 4, end, what);
                if (property == PropertyId.MAXIMUM_PACKET_SIZE && in.getInt(index) == 0) {
                    throw Mqtt5Violation.protocolError("Maximum Packet Size 0");
                }
                yield index + 4;
            }
            case VARIABLE_BYTE_INTEGER -> {
                int value = VariableByteInteger.read(in, index, end, what);
                if (value == 0) {
                    // Section 3.8.2.1.2 (SUBSCRIBE), 3.3.2.3.8 (PUBLISH: 1 to 268,435,455).
                    throw Mqtt5Violation.protocolError(what + " 0");
                }
                yield index + VariableByteInteger.encodedLength(value);
            }
            case UTF8_STRING -> checkString(in, index, end, what);
            case BINARY_DATA -> {
                need(index, 2, end, what);
                int length = in.getUnsignedShort(index);
                need(index + 2, length, end, what);
                yield index + 2 + length;
            }
            case UTF8_STRING_PAIR -> checkString(in, checkString(in, index, end, what + " name"), end, what + " value");
        };
    }

    /** A length-prefixed, well-formed UTF-8 string without U+0000 [MQTT-1.5.4-1, MQTT-1.5.4-2]. */
    static int checkString(ByteBuf in, int index, int end, String what) {
        need(index, 2, end, what);
        int length = in.getUnsignedShort(index);
        need(index + 2, length, end, what);
        if (!Utf8.isValidMqttString(in, index + 2, length)) {
            throw Mqtt5Violation.malformed(what + " is not valid UTF-8 or contains U+0000");
        }
        return index + 2 + length;
    }

    static void need(int index, int length, int end, String what) {
        if (index + length > end) {
            throw Mqtt5Violation.malformed(what + " truncated");
        }
    }

    private static String describe(PacketType packet) {
        return packet == PacketType.WILL ? "the will properties" : packet.name();
    }
}
