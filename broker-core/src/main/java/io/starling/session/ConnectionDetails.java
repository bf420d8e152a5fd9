package io.starling.session;

/**
 * What the admin API shows of a client's connection.
 *
 * @param address           the client's address as host:port
 * @param userName          the user name of its CONNECT, or null
 * @param protocolLevel     MQTT protocol level (3: 3.1, 4: 3.1.1, 5: 5.0)
 * @param keepAliveSeconds  the keep alive of its CONNECT
 * @param connectedAtMillis when its CONNACK was sent (epoch milliseconds)
 */
public record ConnectionDetails(
        String address, String userName, int protocolLevel, int keepAliveSeconds, long connectedAtMillis) {}
