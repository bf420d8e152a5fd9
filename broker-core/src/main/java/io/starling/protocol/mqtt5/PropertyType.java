package io.starling.protocol.mqtt5;

/** The data types of MQTT 5.0 property values (section 1.5). */
public enum PropertyType {
    BYTE,
    TWO_BYTE_INTEGER,
    FOUR_BYTE_INTEGER,
    VARIABLE_BYTE_INTEGER,
    UTF8_STRING,
    BINARY_DATA,
    UTF8_STRING_PAIR
}
