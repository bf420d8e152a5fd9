package io.starling.spi;

import java.util.Objects;

/**
 * An MQTT 5 will waiting for its Will Delay Interval or the end of its session, whichever is
 * first (section 3.1.3.2.2), as the session store keeps it so that a broker stopped or killed
 * before then publishes it when it starts again.
 *
 * @param clientId  the client whose connection left it
 * @param username  the client's user name, null for none: the authorizer is asked about the will
 *     when it is published, as for a connected client's
 * @param message   the will (its id and timestamp are given when it is published)
 * @param dueMillis milliseconds since the epoch when it is published, unless a connection to the
 *     session comes first
 */
public record DelayedWill(String clientId, String username, StoredMessage message, long dueMillis) {

    public DelayedWill {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(message, "message");
    }
}
