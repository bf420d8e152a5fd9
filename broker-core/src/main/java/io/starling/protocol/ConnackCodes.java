package io.starling.protocol;

import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.starling.protocol.mqtt5.ReasonCode;
import io.starling.spi.AuthResult;

/**
 * The CONNACK return code an MQTT 3.1/3.1.1 client gets for a refusal the broker decides in
 * MQTT 5 terms, so that one decision (and one auth plugin SPI) serves every version.
 */
final class ConnackCodes {

    private ConnackCodes() {}

    /** The MQTT 5 reason code of an auth plugin's refusal; null (the plugin failed): not authorized. */
    static ReasonCode forRefusal(AuthResult result) {
        return result == null
                ? ReasonCode.NOT_AUTHORIZED
                : switch (result) {
                    case BAD_USERNAME_OR_PASSWORD -> ReasonCode.BAD_USER_NAME_OR_PASSWORD;
                    case BANNED -> ReasonCode.BANNED;
                    case BAD_AUTHENTICATION_METHOD -> ReasonCode.BAD_AUTHENTICATION_METHOD;
                    default -> ReasonCode.NOT_AUTHORIZED;
                };
    }

    static MqttConnectReturnCode forMqtt311(ReasonCode code) {
        return switch (code) {
            case UNSUPPORTED_PROTOCOL_VERSION -> MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION;
            case CLIENT_IDENTIFIER_NOT_VALID -> MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
            case BAD_USER_NAME_OR_PASSWORD -> MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD;
            case NOT_AUTHORIZED, BANNED, BAD_AUTHENTICATION_METHOD ->
                MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
            default -> MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE;
        };
    }
}
