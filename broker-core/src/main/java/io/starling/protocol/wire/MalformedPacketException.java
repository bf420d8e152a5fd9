package io.starling.protocol.wire;

import io.netty.handler.codec.DecoderException;

/** The bytes a client sent break the MQTT packet format; its connection is closed. */
public class MalformedPacketException extends DecoderException {

    public MalformedPacketException(String message) {
        super(message);
    }
}
