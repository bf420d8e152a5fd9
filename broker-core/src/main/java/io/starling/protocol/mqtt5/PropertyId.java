package io.starling.protocol.mqtt5;

import static io.starling.protocol.mqtt5.PacketType.AUTH;
import static io.starling.protocol.mqtt5.PacketType.CONNACK;
import static io.starling.protocol.mqtt5.PacketType.CONNECT;
import static io.starling.protocol.mqtt5.PacketType.DISCONNECT;
import static io.starling.protocol.mqtt5.PacketType.PUBACK;
import static io.starling.protocol.mqtt5.PacketType.PUBCOMP;
import static io.starling.protocol.mqtt5.PacketType.PUBLISH;
import static io.starling.protocol.mqtt5.PacketType.PUBREC;
import static io.starling.protocol.mqtt5.PacketType.PUBREL;
import static io.starling.protocol.mqtt5.PacketType.SUBACK;
import static io.starling.protocol.mqtt5.PacketType.SUBSCRIBE;
import static io.starling.protocol.mqtt5.PacketType.UNSUBACK;
import static io.starling.protocol.mqtt5.PacketType.UNSUBSCRIBE;
import static io.starling.protocol.mqtt5.PacketType.WILL;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every property identifier of MQTT 5.0 (section 2.2.2.2) with its data type and the packets
 * that may carry it. Only User Property may appear more than once in a packet, and Subscription
 * Identifier in a PUBLISH (one per matching subscription); any other repetition is a Protocol
 * Error.
 */
public enum PropertyId {
    PAYLOAD_FORMAT_INDICATOR(0x01, PropertyType.BYTE, PUBLISH, WILL),
    MESSAGE_EXPIRY_INTERVAL(0x02, PropertyType.FOUR_BYTE_INTEGER, PUBLISH, WILL),
    CONTENT_TYPE(0x03, PropertyType.UTF8_STRING, PUBLISH, WILL),
    RESPONSE_TOPIC(0x08, PropertyType.UTF8_STRING, PUBLISH, WILL),
    CORRELATION_DATA(0x09, PropertyType.BINARY_DATA, PUBLISH, WILL),
    SUBSCRIPTION_IDENTIFIER(0x0B, PropertyType.VARIABLE_BYTE_INTEGER, PUBLISH, SUBSCRIBE),
    SESSION_EXPIRY_INTERVAL(0x11, PropertyType.FOUR_BYTE_INTEGER, CONNECT, CONNACK, DISCONNECT),
    ASSIGNED_CLIENT_IDENTIFIER(0x12, PropertyType.UTF8_STRING, CONNACK),
    SERVER_KEEP_ALIVE(0x13, PropertyType.TWO_BYTE_INTEGER, CONNACK),
    AUTHENTICATION_METHOD(0x15, PropertyType.UTF8_STRING, CONNECT, CONNACK, AUTH),
    AUTHENTICATION_DATA(0x16, PropertyType.BINARY_DATA, CONNECT, CONNACK, AUTH),
    REQUEST_PROBLEM_INFORMATION(0x17, PropertyType.BYTE, CONNECT),
    WILL_DELAY_INTERVAL(0x18, PropertyType.FOUR_BYTE_INTEGER, WILL),
    REQUEST_RESPONSE_INFORMATION(0x19, PropertyType.BYTE, CONNECT),
    RESPONSE_INFORMATION(0x1A, PropertyType.UTF8_STRING, CONNACK),
    SERVER_REFERENCE(0x1C, PropertyType.UTF8_STRING, CONNACK, DISCONNECT),
    REASON_STRING(
            0x1F,
            PropertyType.UTF8_STRING,
            CONNACK,
            PUBACK,
            PUBREC,
            PUBREL,
            PUBCOMP,
            SUBACK,
            UNSUBACK,
            DISCONNECT,
            AUTH),
    RECEIVE_MAXIMUM(0x21, PropertyType.TWO_BYTE_INTEGER, CONNECT, CONNACK),
    TOPIC_ALIAS_MAXIMUM(0x22, PropertyType.TWO_BYTE_INTEGER, CONNECT, CONNACK),
    TOPIC_ALIAS(0x23, PropertyType.TWO_BYTE_INTEGER, PUBLISH),
    MAXIMUM_QOS(0x24, PropertyType.BYTE, CONNACK),
    RETAIN_AVAILABLE(0x25, PropertyType.BYTE, CONNACK),
    USER_PROPERTY(
            0x26,
            PropertyType.UTF8_STRING_PAIR,
            CONNECT,
            CONNACK,
            PUBLISH,
            WILL,
            PUBACK,
            PUBREC,
            PUBREL,
            PUBCOMP,
            SUBSCRIBE,
            SUBACK,
            UNSUBSCRIBE,
            UNSUBACK,
            DISCONNECT,
            AUTH),
    MAXIMUM_PACKET_SIZE(0x27, PropertyType.FOUR_BYTE_INTEGER, CONNECT, CONNACK),
    WILDCARD_SUBSCRIPTION_AVAILABLE(0x28, PropertyType.BYTE, CONNACK),
    SUBSCRIPTION_IDENTIFIER_AVAILABLE(0x29, PropertyType.BYTE, CONNACK),
    SHARED_SUBSCRIPTION_AVAILABLE(0x2A, PropertyType.BYTE, CONNACK);

    private static final PropertyId[] BY_ID = new PropertyId[0x2B];

    static {
        for (PropertyId property : values()) {
            BY_ID[property.id] = property;
        }
    }

    private final int id;
    private final PropertyType type;
    private final Set<PacketType> packets;

    PropertyId(int id, PropertyType type, PacketType first, PacketType... rest) {
        this.id = id;
        this.type = type;
        this.packets = EnumSet.of(first, rest);
    }

    public int id() {
        return id;
    }

    public PropertyType type() {
        return type;
    }

    public boolean allowedIn(PacketType packet) {
        return packets.contains(packet);
    }

    /** Whether {@code packet} may carry this property more than once. */
    public boolean repeatableIn(PacketType packet) {
        return this == USER_PROPERTY || (this == SUBSCRIPTION_IDENTIFIER && packet == PUBLISH);
    }

    /** The property of identifier {@code id}, or null if MQTT 5.0 defines none. */
    public static PropertyId of(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** "Message Expiry Interval": the standard's name, for log lines and reason strings. */
    public String displayName() {
        StringBuilder name = new StringBuilder();
        for (String word : name().split("_")) {
            if (name.length() > 0) {
                name.append(' ');
            }
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return name.toString();
    }
}
