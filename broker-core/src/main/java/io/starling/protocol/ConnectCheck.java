package io.starling.protocol;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.starling.protocol.mqtt5.ReasonCode;
import io.starling.routing.SharedFilter;
import io.starling.routing.Topics;

/**
 * The CONNECT rules neither Netty's decoder nor {@link MqttFrameDecoder} enforce (the frame
 * decoder already refused unknown protocol names and levels). A result is either a reason to
 * close without CONNACK (a protocol violation), a CONNACK reason code to refuse with, or OK.
 * MQTT 5 allows what 3.1.1 does not: a password without a user name, and an empty client id
 * with a session that continues (the broker assigns an id either way).
 */
record ConnectCheck(String violation, ReasonCode refusal) {

    static final ConnectCheck OK = new ConnectCheck(null, null);

    static ConnectCheck of(MqttConnectMessage connect, int maxClientIdLength) {
        MqttConnectVariableHeader header = connect.variableHeader();
        if (header.isWillFlag()) {
            if (header.willQos() > 2) {
                return violation("will QoS 3");
            }
            if (!Topics.isValidTopicName(connect.payload().willTopic())) {
                return violation("invalid will topic '" + connect.payload().willTopic() + "'");
            }
        } else if (header.willQos() != 0 || header.isWillRetain()) {
            return violation("will QoS or will retain set without the will flag");
        }
        boolean mqtt5 = header.version() == 5;
        if (header.hasPassword() && !header.hasUserName() && !mqtt5) {
            return violation("password flag set without the user name flag");
        }
        String clientId = connect.payload().clientIdentifier();
        if (clientId.isEmpty() && !header.isCleanSession() && !mqtt5) {
            return refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
        }
        if (clientId.length() > maxClientIdLength) {
            return refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
        }
        if (SharedFilter.isShared(clientId)) {
            // A shared group's messages are stored under its $share/... name as under a client id.
            return refuse(ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
        }
        return OK;
    }

    private static ConnectCheck violation(String reason) {
        return new ConnectCheck(reason, null);
    }

    private static ConnectCheck refuse(ReasonCode code) {
        return new ConnectCheck(null, code);
    }
}
