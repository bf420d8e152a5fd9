package io.starling.protocol;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.starling.protocol.mqtt5.PropertyId;

/**
 * What an MQTT 5 client asked for in its CONNECT properties (section 3.1.2.11), with the
 * standard's defaults for what it left out. Only MQTT 5 connections have one.
 *
 * @param sessionExpiry             seconds the session outlives the connection (0xFFFFFFFF: never ends)
 * @param receiveMaximum            QoS 1/2 PUBLISHes the client takes unacknowledged (default 65,535)
 * @param maximumPacketSize         the largest packet it accepts; -1: no limit beyond MQTT's (the default)
 * @param topicAliasMaximum         topic aliases it accepts from the broker (default 0)
 * @param requestProblemInformation whether reason strings may be sent on acknowledgements (default yes)
 */
record Mqtt5Client(
        long sessionExpiry,
        int receiveMaximum,
        long maximumPacketSize,
        int topicAliasMaximum,
        boolean requestProblemInformation) {

    static Mqtt5Client of(MqttProperties properties) {
        return new Mqtt5Client(
                Integer.toUnsignedLong(intValue(properties, PropertyId.SESSION_EXPIRY_INTERVAL, 0)),
                intValue(properties, PropertyId.RECEIVE_MAXIMUM, 65_535),
                properties.getProperty(PropertyId.MAXIMUM_PACKET_SIZE.id()) == null
                        ? -1
                        : Integer.toUnsignedLong(intValue(properties, PropertyId.MAXIMUM_PACKET_SIZE, 0)),
                intValue(properties, PropertyId.TOPIC_ALIAS_MAXIMUM, 0),
                intValue(properties, PropertyId.REQUEST_PROBLEM_INFORMATION, 1) == 1);
    }

    /** The same with another Session Expiry Interval (a DISCONNECT may change it). */
    Mqtt5Client withSessionExpiry(long seconds) {
        return new Mqtt5Client(
                seconds, receiveMaximum, maximumPacketSize, topicAliasMaximum, requestProblemInformation);
    }

    /** Whether the session ends with the connection. */
    boolean sessionEndsWithConnection() {
        return sessionExpiry == 0;
    }

    static int intValue(MqttProperties properties, PropertyId id, int absent) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(id.id());
        return property == null ? absent : (Integer) property.value();
    }
}
