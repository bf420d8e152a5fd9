package io.starling.spi;

import java.net.SocketAddress;

/**
 * What a CONNECT tells about the client, handed to authenticators.
 *
 * @param clientId      the client id (a generated one if the client sent none)
 * @param username      the user name, or null
 * @param password      the password bytes, or null
 * @param remoteAddress the client's address
 * @param protocolLevel 3 (MQTT 3.1), 4 (MQTT 3.1.1) or 5 (MQTT 5.0)
 * @param tlsSubject    the subject of the TLS client certificate, or null
 */
public record ConnectInfo(
        String clientId,
        String username,
        byte[] password,
        SocketAddress remoteAddress,
        int protocolLevel,
        String tlsSubject) {}
