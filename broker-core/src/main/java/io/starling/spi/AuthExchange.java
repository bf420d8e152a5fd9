package io.starling.spi;

/**
 * One step of an MQTT 5 enhanced authentication (section 4.12), handed to
 * {@link Authenticator#authenticate(AuthExchange)}: the client's CONNECT named an
 * Authentication Method, and this is what it sent with it (in CONNECT, or in an AUTH packet
 * answering the plugin's challenge or asking to re-authenticate a live connection).
 *
 * @param connect          what the CONNECT told about the client (its user name and password too, if it sent them)
 * @param method           the Authentication Method, the same for every step of a connection
 * @param data             the Authentication Data of this step, or null when the client sent none
 * @param reauthentication whether the client is connected and re-authenticates (AUTH 0x19 and what follows)
 * @param state            what the plugin's previous {@link AuthStep#challenge challenge} of this exchange
 *                         carried, null at the first step
 */
public record AuthExchange(ConnectInfo connect, String method, byte[] data, boolean reauthentication, Object state) {

    /** Whether this is the first step of an exchange (CONNECT, or AUTH 0x19 of a re-authentication). */
    public boolean isFirstStep() {
        return state == null;
    }
}
