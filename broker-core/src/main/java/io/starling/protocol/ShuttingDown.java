package io.starling.protocol;

/**
 * The pipeline event the listeners fire on every connection before closing it when the broker
 * stops, so that MQTT 5 clients learn why (DISCONNECT 0x8B).
 */
public enum ShuttingDown {
    INSTANCE
}
