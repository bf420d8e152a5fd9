package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.RawMqttClient;
import java.io.IOException;

/** Takes a raw client offline cleanly. */
final class Offline {

    private Offline() {}

    /**
     * Sends DISCONNECT and waits for the server's close. The broker detaches the session before
     * it closes the socket, so from then on messages for the session are queued, not sent.
     */
    static void disconnect(RawMqttClient client) throws IOException {
        client.send(RawMqttClient.disconnect());
        assertTrue(client.isClosedByServer(), "the broker closes the connection after DISCONNECT");
    }
}
