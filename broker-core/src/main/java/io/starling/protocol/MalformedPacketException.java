package io.starling.protocol;

import io.netty.handler.codec.DecoderException;

/** The bytes a client sent break the MQTT packet format; its connection is closed. */
class MalformedPacketException extends DecoderException {

    MalformedPacketException(String message) {
        super(message);
    }
}
