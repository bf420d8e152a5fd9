package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.session.Session;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Makes "the client went offline" a fact before a test publishes to its session.
 *
 * <p>The broker closes the socket first and detaches the session a moment later (Netty fires
 * channelInactive as a separate task on the connection's event loop, which then hands the
 * detach to the session). A message routed in between is written to the dead channel and kept
 * in flight (re-sent with DUP=1 later; a QoS 0 one is lost), which would make offline-queue
 * tests depend on timing. The session runs its tasks on that same event loop, so two task
 * round trips through it are enough: the first runs after the closing task has finished
 * (which queued channelInactive), the second is queued behind channelInactive itself.
 */
final class SessionBarrier {

    private SessionBarrier() {
    }

    /** Sends DISCONNECT, waits for the server's close, then for the session to be detached. */
    static void disconnect(EmbeddedBroker broker, RawMqttClient client, String clientId) throws IOException {
        client.send(RawMqttClient.disconnect());
        assertTrue(client.isClosedByServer(), "the broker closes the connection after DISCONNECT");
        awaitIdle(broker, clientId);
        awaitIdle(broker, clientId);
    }

    private static void awaitIdle(EmbeddedBroker broker, String clientId) {
        Session session = broker.broker().sessions().get(clientId);
        assertNotNull(session, "no session for " + clientId);
        CountDownLatch ran = new CountDownLatch(1);
        session.execute(ran::countDown);
        try {
            assertTrue(ran.await(5, TimeUnit.SECONDS), "session of " + clientId + " did not run a task within 5 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
