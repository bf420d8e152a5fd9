package io.starling.protocol.mqtt5;

/**
 * The MQTT control packet types by their four-bit value, plus {@link #WILL}: the will
 * properties of a CONNECT, which have their own set of allowed properties.
 */
public enum PacketType {
    CONNECT(1),
    CONNACK(2),
    PUBLISH(3),
    PUBACK(4),
    PUBREC(5),
    PUBREL(6),
    PUBCOMP(7),
    SUBSCRIBE(8),
    SUBACK(9),
    UNSUBSCRIBE(10),
    UNSUBACK(11),
    PINGREQ(12),
    PINGRESP(13),
    DISCONNECT(14),
    AUTH(15),
    WILL(-1);

    private static final PacketType[] BY_VALUE = new PacketType[16];

    static {
        for (PacketType type : values()) {
            if (type.value > 0) {
                BY_VALUE[type.value] = type;
            }
        }
    }

    private final int value;

    PacketType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The type of the fixed header's high nibble, or null for the reserved 0. */
    public static PacketType ofValue(int value) {
        return BY_VALUE[value & 0x0F];
    }
}
