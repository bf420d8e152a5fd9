package io.starling.spi;

/**
 * An authenticator's answer to a CONNECT, the same for every MQTT version: MQTT 5 clients get
 * the CONNACK reason code named here, MQTT 3.1/3.1.1 clients the return code it maps to.
 */
public enum AuthResult {
    /** The client may connect. */
    ACCEPT,
    /** Unknown user or wrong password: MQTT 5 CONNACK 0x86, 3.1.1 CONNACK 0x04. */
    BAD_USERNAME_OR_PASSWORD,
    /** The client may not connect: MQTT 5 CONNACK 0x87, 3.1.1 CONNACK 0x05. */
    NOT_AUTHORIZED,
    /** The client is banned: MQTT 5 CONNACK 0x8A, 3.1.1 CONNACK 0x05. */
    BANNED,
    /** The client's authentication method is not supported: MQTT 5 CONNACK 0x8C, 3.1.1 CONNACK 0x05. */
    BAD_AUTHENTICATION_METHOD,
    /** This authenticator does not decide; the next one in the chain does. */
    NO_OPINION
}
