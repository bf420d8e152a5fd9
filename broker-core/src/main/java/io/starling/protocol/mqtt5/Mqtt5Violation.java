package io.starling.protocol.mqtt5;

import io.starling.protocol.wire.MalformedPacketException;

/**
 * An MQTT 5 packet breaks the standard: the connection is closed, after a CONNACK (if the
 * CONNECT was at fault) or DISCONNECT carrying {@link #reasonCode()}.
 */
public final class Mqtt5Violation extends MalformedPacketException {

    private final ReasonCode reasonCode;

    public Mqtt5Violation(ReasonCode reasonCode, String message) {
        super(message);
        this.reasonCode = reasonCode;
    }

    public ReasonCode reasonCode() {
        return reasonCode;
    }

    static Mqtt5Violation malformed(String message) {
        return new Mqtt5Violation(ReasonCode.MALFORMED_PACKET, message);
    }

    static Mqtt5Violation protocolError(String message) {
        return new Mqtt5Violation(ReasonCode.PROTOCOL_ERROR, message);
    }
}
