package io.starling.auth;

import static io.starling.auth.Clients.rawConnect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.AuthResult;
import io.starling.spi.Authenticator;
import io.starling.storage.memory.InMemoryStorageProvider;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A plugin that throws, hangs or is slow refuses only its own client and holds up no one else. */
class MisbehavingPluginsTest {

    /** Misbehaves for the user names "throws", "fails" and "hangs"; has no opinion on anyone else. */
    private static final Authenticator BROKEN = info -> switch (String.valueOf(info.username())) {
        case "throws" -> throw new IllegalStateException("plugin bug");
        case "fails" -> CompletableFuture.failedFuture(new IOException("directory unreachable"));
        case "hangs" -> new CompletableFuture<>();
        default -> CompletableFuture.completedFuture(AuthResult.NO_OPINION);
    };

    @Test
    void aPluginThatThrowsFailsOrTimesOutRefusesWithNotAuthorizedAndTheBrokerStaysUp() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                InMemoryStorageProvider.newStorage(), List.of(BROKEN), List.of(), "auth.timeout = 300ms")) {
            for (String user : List.of("throws", "fails", "hangs")) {
                try (RawMqttClient client = new RawMqttClient(broker.port())) {
                    assertEquals(5, rawConnect(client, "c-" + user, user, "x"), user);
                }
            }
            try (RawMqttClient client = new RawMqttClient(broker.port())) {
                assertEquals(0, rawConnect(client, "healthy", null, null));
            }
        }
    }

    @Test
    void aSlowPluginDoesNotDelayOtherClientsPublishes() throws Exception {
        CountDownLatch slowCallStarted = new CountDownLatch(1);
        Authenticator slow = info -> {
            if (!"slow".equals(info.username())) {
                return CompletableFuture.completedFuture(AuthResult.NO_OPINION);
            }
            slowCallStarted.countDown();
            return CompletableFuture.supplyAsync(
                    () -> AuthResult.ACCEPT, CompletableFuture.delayedExecutor(2, TimeUnit.SECONDS));
        };
        try (EmbeddedBroker broker =
                        EmbeddedBroker.start(InMemoryStorageProvider.newStorage(), List.of(slow), List.of());
                RawMqttClient slowClient = new RawMqttClient(broker.port());
                RawMqttClient other = new RawMqttClient(broker.port())) {
            CompletableFuture<Integer> slowConnack = CompletableFuture.supplyAsync(() -> connect(slowClient, "slow"));
            assertTrue(slowCallStarted.await(5, TimeUnit.SECONDS), "slow plugin was never asked");

            assertEquals(0, rawConnect(other, "other", null, null));
            other.send(RawMqttClient.subscribePacket(1, "t", 1));
            other.expect(RawMqttClient.SUBACK);
            other.send(RawMqttClient.publishPacket("t", 1, 2, "ping"));
            // The echo and the PUBACK may come in either order.
            assertEquals(
                    Set.of(RawMqttClient.PUBACK, RawMqttClient.PUBLISH),
                    Set.of(other.read().type(), other.read().type()));
            assertFalse(
                    slowConnack.isDone(), "the other client's round trip completed while the slow plugin still ran");

            assertEquals(0, slowConnack.get(10, TimeUnit.SECONDS));
        }
    }

    private static int connect(RawMqttClient client, String user) {
        try {
            return rawConnect(client, "slow-client", user, "x");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
