package io.starling.protocol.mqtt5;

import io.netty.buffer.ByteBuf;

/**
 * Checks one whole MQTT 5 packet, fixed header already cut off, for what the standard makes a
 * Malformed Packet or a Protocol Error and Netty's decoder lets through (see
 * {@link PropertiesCheck}), before that decoder parses it. One per MQTT 5 connection, on its
 * event loop. It checks packets of both directions the same way, except for one rule a
 * server keeps: no Subscription Identifier in a PUBLISH from a client [MQTT-3.3.4-6]. A Topic
 * Alias above the maximum the receiver announced is refused [MQTT-3.3.2-9, MQTT-3.3.2-10].
 */
public final class Mqtt5PacketCheck {

    private final PropertiesCheck properties = new PropertiesCheck();
    private final int topicAliasMaximum;
    private final boolean server;

    private Mqtt5PacketCheck(int topicAliasMaximum, boolean server) {
        this.topicAliasMaximum = topicAliasMaximum;
        this.server = server;
    }

    /** A server's check of what a client sends; {@code topicAliasMaximum} is what its CONNACK announces (0: none). */
    public static Mqtt5PacketCheck server(int topicAliasMaximum) {
        return new Mqtt5PacketCheck(topicAliasMaximum, true);
    }

    /** A client's check of what a server sends; {@code topicAliasMaximum} is what its CONNECT announced. */
    public static Mqtt5PacketCheck client(int topicAliasMaximum) {
        return new Mqtt5PacketCheck(topicAliasMaximum, false);
    }

    /** Checks a CONNECT whose protocol level at {@code levelIndex} is 5. */
    public void checkConnect(ByteBuf in, int levelIndex, int end) {
        PropertiesCheck.need(levelIndex, 4, end, "CONNECT variable header");
        int flags = in.getUnsignedByte(levelIndex + 1);
        if ((flags & 0x01) != 0) {
            throw Mqtt5Violation.malformed("CONNECT reserved flag set"); // [MQTT-3.1.2-3]
        }
        boolean will = (flags & 0x04) != 0;
        int willQos = (flags >> 3) & 0x03;
        if (willQos == 3) {
            throw Mqtt5Violation.malformed("will QoS 3"); // [MQTT-3.1.2-12]
        }
        if (!will && (willQos != 0 || (flags & 0x20) != 0)) {
            throw Mqtt5Violation.malformed("will QoS or will retain set without the will flag"); // [MQTT-3.1.2-11, -13]
        }
        int i = properties.check(in, levelIndex + 4, end, PacketType.CONNECT);
        if (properties.has(PropertyId.AUTHENTICATION_DATA) && !properties.has(PropertyId.AUTHENTICATION_METHOD)) {
            throw Mqtt5Violation.protocolError("Authentication Data without Authentication Method");
        }
        i = PropertiesCheck.checkString(in, i, end, "client id");
        if (will) {
            i = properties.check(in, i, end, PacketType.WILL);
            i = PropertiesCheck.checkString(in, i, end, "will topic");
            i = binary(in, i, end, "will payload");
        }
        if ((flags & 0x80) != 0) {
            i = PropertiesCheck.checkString(in, i, end, "user name");
        }
        if ((flags & 0x40) != 0) {
            i = binary(in, i, end, "password");
        }
        noMore(i, end, PacketType.CONNECT);
    }

    /** Checks a packet other than CONNECT; {@code first} is the fixed header's first byte. */
    public void check(ByteBuf in, int first, int body, int end) {
        PacketType type = PacketType.ofValue(first >> 4);
        switch (type) {
            case CONNECT -> {
                // A second CONNECT: the connection refuses it whatever it holds [MQTT-3.1.0-2].
            }
            case CONNACK -> {
                PropertiesCheck.need(body, 2, end, "CONNACK");
                if ((in.getUnsignedByte(body) & 0xFE) != 0) {
                    throw Mqtt5Violation.malformed("CONNACK reserved flags set"); // [MQTT-3.2.2-1]
                }
                reasonCode(in.getUnsignedByte(body + 1), type);
                noMore(properties.check(in, body + 2, end, type), end, type);
            }
            case PUBLISH -> checkPublish(in, first, body, end);
            case PUBACK, PUBREC, PUBREL, PUBCOMP -> {
                PropertiesCheck.need(body, 2, end, type + " packet identifier");
                if (end - body > 2) {
                    reasonCode(in.getUnsignedByte(body + 2), type);
                    if (end - body > 3) {
                        noMore(properties.check(in, body + 3, end, type), end, type);
                    }
                }
            }
            case SUBSCRIBE -> checkSubscribe(in, body, end);
            case UNSUBSCRIBE -> {
                PropertiesCheck.need(body, 2, end, "UNSUBSCRIBE packet identifier");
                int i = properties.check(in, body + 2, end, type);
                if (i == end) {
                    throw Mqtt5Violation.protocolError("UNSUBSCRIBE without a topic filter"); // [MQTT-3.10.3-2]
                }
                while (i < end) {
                    i = PropertiesCheck.checkString(in, i, end, "topic filter");
                }
            }
            case SUBACK, UNSUBACK -> {
                PropertiesCheck.need(body, 2, end, type + " packet identifier");
                int i = properties.check(in, body + 2, end, type);
                if (i == end) {
                    throw Mqtt5Violation.protocolError(type + " without a reason code");
                }
                for (; i < end; i++) {
                    reasonCode(in.getUnsignedByte(i), type);
                }
            }
            case PINGREQ, PINGRESP -> noMore(body, end, type);
            case DISCONNECT, AUTH -> {
                if (end > body) {
                    reasonCode(in.getUnsignedByte(body), type);
                    if (end - body > 1) {
                        noMore(properties.check(in, body + 1, end, type), end, type);
                    }
                }
            }
            default -> throw Mqtt5Violation.malformed("reserved packet type " + (first >> 4));
        }
    }

    private void checkPublish(ByteBuf in, int first, int body, int end) {
        int i = PropertiesCheck.checkString(in, body, end, "topic name");
        boolean emptyTopic = i == body + 2;
        if (((first >> 1) & 0x03) > 0) {
            PropertiesCheck.need(i, 2, end, "PUBLISH packet identifier");
            i += 2;
        }
        properties.check(in, i, end, PacketType.PUBLISH);
        if (server && properties.has(PropertyId.SUBSCRIPTION_IDENTIFIER)) {
            throw Mqtt5Violation.protocolError("Subscription Identifier in a PUBLISH from a client"); // [MQTT-3.3.4-6]
        }
        int alias = properties.topicAlias();
        if (alias > topicAliasMaximum) {
            throw new Mqtt5Violation(
                    ReasonCode.TOPIC_ALIAS_INVALID,
                    "Topic Alias " + alias + " above the maximum of " + topicAliasMaximum);
        }
        if (emptyTopic && alias == 0) {
            throw Mqtt5Violation.protocolError("PUBLISH with an empty topic name and no Topic Alias");
        }
    }

    private void checkSubscribe(ByteBuf in, int body, int end) {
        PropertiesCheck.need(body, 2, end, "SUBSCRIBE packet identifier");
        int i = properties.check(in, body + 2, end, PacketType.SUBSCRIBE);
        if (i == end) {
            throw Mqtt5Violation.protocolError("SUBSCRIBE without a topic filter"); // [MQTT-3.8.3-2]
        }
        while (i < end) {
            i = PropertiesCheck.checkString(in, i, end, "topic filter");
            PropertiesCheck.need(i, 1, end, "subscription options");
            int options = in.getUnsignedByte(i++);
            if ((options & 0xC0) != 0) {
                throw Mqtt5Violation.malformed("subscription options with reserved bits set"); // [MQTT-3.8.3-5]
            }
            if ((options & 0x03) == 3) {
                throw Mqtt5Violation.malformed("subscription with maximum QoS 3");
            }
            if ((options >> 4) == 3) {
                throw Mqtt5Violation.protocolError("Retain Handling 3");
            }
        }
    }

    private static void reasonCode(int value, PacketType packet) {
        if (ReasonCode.of(value, packet) == null) {
            throw Mqtt5Violation.protocolError(String.format("reason code 0x%02X is not one of %s", value, packet));
        }
    }

    private static int binary(ByteBuf in, int index, int end, String what) {
        PropertiesCheck.need(index, 2, end, what);
        int next = index + 2 + in.getUnsignedShort(index);
        PropertiesCheck.need(index + 2, next - index - 2, end, what);
        return next;
    }

    private static void noMore(int index, int end, PacketType packet) {
        if (index != end) {
            throw Mqtt5Violation.malformed((end - index) + " bytes after the end of " + packet);
        }
    }
}
