package io.starling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.starling.Broker;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.PahoClients;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

/**
 * The node a session leaves sends its queue right after its answer to the claim, so under load a
 * part can arrive before the CONNECT that claimed the session has continued it here. Found by
 * Mqtt5ClusterTest with two busy loops on the machine: "Dropped 2 queued message(s) moving with
 * c5-rmsub: it has no session here", and the client never got them. The part waits for the
 * session instead, and is acknowledged (so the other node deletes its copy) only once stored.
 */
class EarlyQueuePartTest {

    private static final String CLIENT = "early";

    @Test
    void aPartThatArrivesBeforeTheSessionWaitsForIt() throws Exception {
        try (EmbeddedBroker embedded = EmbeddedBroker.start()) {
            Broker node = embedded.broker();
            node.expectRelay(CLIENT);
            CompletableFuture<Void> part = node.continueQueue(
                            CLIENT, List.of(queued(1, "first"), queued(2, "second")), true)
                    .toCompletableFuture();
            assertFalse(part.isDone(), "not acknowledged before it is stored for the session");

            node.adoptSession(new SessionSnapshot(CLIENT, Map.of("t/#", 1), List.of(), Set.of(), 1))
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            part.get(10, TimeUnit.SECONDS);
            node.relayEnded(CLIENT);

            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            try (PahoClients client = PahoClients.connect(embedded.url(), CLIENT, options)) {
                assertEquals("first", text(client.next()));
                assertEquals("second", text(client.next()));
                assertNull(client.poll(500), "each message once");
            }
        }
    }

    private static QueuedMessage queued(long id, String text) {
        return new QueuedMessage(
                new StoredMessage(id, "t/a", 1, false, text.getBytes(StandardCharsets.UTF_8), 0L), 1, 0, false);
    }

    private static String text(PahoClients.Received received) {
        return new String(received.message().getPayload(), StandardCharsets.UTF_8);
    }
}
