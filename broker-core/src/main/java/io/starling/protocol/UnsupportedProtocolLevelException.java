package io.starling.protocol;

import io.starling.protocol.wire.MalformedPacketException;

/**
 * A CONNECT for a protocol level this broker does not speak (MQTT 5, or a name and level that
 * do not belong together). Unlike other malformed packets it is answered: CONNACK 0x01.
 */
final class UnsupportedProtocolLevelException extends MalformedPacketException {

    UnsupportedProtocolLevelException(String name, int level) {
        super("unsupported protocol level " + level + " for '" + name + "'");
    }
}
