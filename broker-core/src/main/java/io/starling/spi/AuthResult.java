package io.starling.spi;

/** An authenticator's answer to a CONNECT. */
public enum AuthResult {
    /** The client may connect. */
    ACCEPT,
    /** Unknown user or wrong password: CONNACK 0x04. */
    BAD_USERNAME_OR_PASSWORD,
    /** The client may not connect: CONNACK 0x05. */
    NOT_AUTHORIZED,
    /** This authenticator does not decide; the next one in the chain does. */
    NO_OPINION
}
