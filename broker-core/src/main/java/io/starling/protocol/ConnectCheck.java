package io.starling.protocol;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.starling.routing.Topics;

/**
 * The CONNECT rules neither Netty's decoder nor {@link MqttFrameDecoder} enforce (the frame
 * decoder already refused unknown protocol names and levels). A result is either a reason to
 * close without CONNACK (a protocol violation), a CONNACK return code to refuse with, or OK.
 */
record ConnectCheck(String violation, MqttConnectReturnCode refusal) {

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
        if (header.hasPassword() && !header.hasUserName()) {
            return violation("password flag set without the user name flag");
        }
        String clientId = connect.payload().clientIdentifier();
        if (clientId.isEmpty() && !header.isCleanSession()) {
            return refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
        }
        if (clientId.length() > maxClientIdLength) {
            return refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED);
        }
        return OK;
    }

    private static ConnectCheck violation(String reason) {
        return new ConnectCheck(reason, null);
    }

    private static ConnectCheck refuse(MqttConnectReturnCode code) {
        return new ConnectCheck(null, code);
    }
}
