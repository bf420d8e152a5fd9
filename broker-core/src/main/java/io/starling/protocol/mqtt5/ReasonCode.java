package io.starling.protocol.mqtt5;

import java.util.EnumSet;
import java.util.Set;

/**
 * The reason codes of MQTT 5.0 (section 2.4), each with the packets that may carry it. Several
 * names share a value (0x00 is Success, Normal disconnection and Granted QoS 0), so a code is
 * looked up by value and packet: {@link #of(int, PacketType)}.
 */
public enum ReasonCode {
    SUCCESS(
            0x00,
            PacketType.CONNACK,
            PacketType.PUBACK,
            PacketType.PUBREC,
            PacketType.PUBREL,
            PacketType.PUBCOMP,
            PacketType.UNSUBACK,
            PacketType.AUTH),
    NORMAL_DISCONNECTION(0x00, PacketType.DISCONNECT),
    GRANTED_QOS_0(0x00, PacketType.SUBACK),
    GRANTED_QOS_1(0x01, PacketType.SUBACK),
    GRANTED_QOS_2(0x02, PacketType.SUBACK),
    DISCONNECT_WITH_WILL_MESSAGE(0x04, PacketType.DISCONNECT),
    NO_MATCHING_SUBSCRIBERS(0x10, PacketType.PUBACK, PacketType.PUBREC),
    NO_SUBSCRIPTION_EXISTED(0x11, PacketType.UNSUBACK),
    CONTINUE_AUTHENTICATION(0x18, PacketType.AUTH),
    RE_AUTHENTICATE(0x19, PacketType.AUTH),
    UNSPECIFIED_ERROR(
            0x80,
            PacketType.CONNACK,
            PacketType.PUBACK,
            PacketType.PUBREC,
            PacketType.SUBACK,
            PacketType.UNSUBACK,
            PacketType.DISCONNECT),
    MALFORMED_PACKET(0x81, PacketType.CONNACK, PacketType.DISCONNECT),
    PROTOCOL_ERROR(0x82, PacketType.CONNACK, PacketType.DISCONNECT),
    IMPLEMENTATION_SPECIFIC_ERROR(
            0x83,
            PacketType.CONNACK,
            PacketType.PUBACK,
            PacketType.PUBREC,
            PacketType.SUBACK,
            PacketType.UNSUBACK,
            PacketType.DISCONNECT),
    UNSUPPORTED_PROTOCOL_VERSION(0x84, PacketType.CONNACK),
    CLIENT_IDENTIFIER_NOT_VALID(0x85, PacketType.CONNACK),
    BAD_USER_NAME_OR_PASSWORD(0x86, PacketType.CONNACK),
    NOT_AUTHORIZED(
            0x87,
            PacketType.CONNACK,
            PacketType.PUBACK,
            PacketType.PUBREC,
            PacketType.SUBACK,
            PacketType.UNSUBACK,
            PacketType.DISCONNECT),
    SERVER_UNAVAILABLE(0x88, PacketType.CONNACK),
    SERVER_BUSY(0x89, PacketType.CONNACK, PacketType.DISCONNECT),
    BANNED(0x8A, PacketType.CONNACK),
    SERVER_SHUTTING_DOWN(0x8B, PacketType.DISCONNECT),
    BAD_AUTHENTICATION_METHOD(0x8C, PacketType.CONNACK, PacketType.DISCONNECT),
    KEEP_ALIVE_TIMEOUT(0x8D, PacketType.DISCONNECT),
    SESSION_TAKEN_OVER(0x8E, PacketType.DISCONNECT),
    TOPIC_FILTER_INVALID(0x8F, PacketType.SUBACK, PacketType.UNSUBACK, PacketType.DISCONNECT),
    TOPIC_NAME_INVALID(0x90, PacketType.CONNACK, PacketType.PUBACK, PacketType.PUBREC, PacketType.DISCONNECT),
    PACKET_IDENTIFIER_IN_USE(0x91, PacketType.PUBACK, PacketType.PUBREC, PacketType.SUBACK, PacketType.UNSUBACK),
    PACKET_IDENTIFIER_NOT_FOUND(0x92, PacketType.PUBREL, PacketType.PUBCOMP),
    RECEIVE_MAXIMUM_EXCEEDED(0x93, PacketType.DISCONNECT),
    TOPIC_ALIAS_INVALID(0x94, PacketType.DISCONNECT),
    PACKET_TOO_LARGE(0x95, PacketType.CONNACK, PacketType.DISCONNECT),
    MESSAGE_RATE_TOO_HIGH(0x96, PacketType.DISCONNECT),
    QUOTA_EXCEEDED(
            0x97, PacketType.CONNACK, PacketType.PUBACK, PacketType.PUBREC, PacketType.SUBACK, PacketType.DISCONNECT),
    ADMINISTRATIVE_ACTION(0x98, PacketType.DISCONNECT),
    PAYLOAD_FORMAT_INVALID(0x99, PacketType.CONNACK, PacketType.PUBACK, PacketType.PUBREC, PacketType.DISCONNECT),
    RETAIN_NOT_SUPPORTED(0x9A, PacketType.CONNACK, PacketType.DISCONNECT),
    QOS_NOT_SUPPORTED(0x9B, PacketType.CONNACK, PacketType.DISCONNECT),
    USE_ANOTHER_SERVER(0x9C, PacketType.CONNACK, PacketType.DISCONNECT),
    SERVER_MOVED(0x9D, PacketType.CONNACK, PacketType.DISCONNECT),
    SHARED_SUBSCRIPTIONS_NOT_SUPPORTED(0x9E, PacketType.SUBACK, PacketType.DISCONNECT),
    CONNECTION_RATE_EXCEEDED(0x9F, PacketType.CONNACK, PacketType.DISCONNECT),
    MAXIMUM_CONNECT_TIME(0xA0, PacketType.DISCONNECT),
    SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED(0xA1, PacketType.SUBACK, PacketType.DISCONNECT),
    WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED(0xA2, PacketType.SUBACK, PacketType.DISCONNECT);

    private static final ReasonCode[] VALUES = values();

    private final int value;
    private final Set<PacketType> packets;

    ReasonCode(int value, PacketType first, PacketType... rest) {
        this.value = value;
        this.packets = EnumSet.of(first, rest);
    }

    /** The byte on the wire. */
    public int value() {
        return value;
    }

    public byte byteValue() {
        return (byte) value;
    }

    /** Codes of 0x80 and above report a failure (section 2.4). */
    public boolean isError() {
        return value >= 0x80;
    }

    public boolean allowedIn(PacketType packet) {
        return packets.contains(packet);
    }

    /** The code {@code value} means in {@code packet}, or null if that packet may not carry it. */
    public static ReasonCode of(int value, PacketType packet) {
        for (ReasonCode code : VALUES) {
            if (code.value == value && code.packets.contains(packet)) {
                return code;
            }
        }
        return null;
    }

    /** As {@code mosquitto -v} and the reason strings name it: "0x8E session taken over". */
    public String describe() {
        return String.format(
                "0x%02X %s", value, name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
    }
}
