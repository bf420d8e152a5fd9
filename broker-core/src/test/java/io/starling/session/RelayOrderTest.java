package io.starling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import io.starling.Broker;
import io.starling.config.BrokerConfig.QueueFullPolicy;
import io.starling.metrics.BrokerMetrics;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import io.starling.storage.memory.InMemoryMessageQueueStore;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.PahoClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;

/**
 * A session that moved here while its old node still relays: every message published meanwhile
 * may reach it twice, by its new route and relayed, and the two copies race. The fault run found
 * a client getting {@code p0-283} before {@code p0-271}: the direct copy of the earlier message
 * won its race and waited for the relay to end, while the relayed copy of a later one won its
 * race and went out at once. The relay carries them in their order, so its copy decides.
 */
class RelayOrderTest {

    private static final String CLIENT = "mover";

    @Test
    void aRelayedCopyDeliversItsWaitingTwinInTheRelaysOrder() throws Exception {
        try (EmbeddedBroker embedded = EmbeddedBroker.start()) {
            Broker node = embedded.broker();
            node.expectRelay(CLIENT);
            await(node.adoptSession(new SessionSnapshot(CLIENT, Map.of("t/#", 1), List.of(), Set.of(), 1)));
            StoredMessage earlier = message(1, "earlier");
            StoredMessage later = message(2, "later");

            await(node.deliverForwarded(earlier)); // by the route: waits for the relay
            await(node.deliverTo(List.of(CLIENT), earlier)); // its relayed copy
            await(node.deliverTo(List.of(CLIENT), later)); // relayed first this time
            await(node.deliverForwarded(later)); // the twin, by the route
            node.relayEnded(CLIENT);

            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            try (PahoClients mover = PahoClients.connect(embedded.url(), CLIENT, options)) {
                assertEquals("earlier", text(mover.next()));
                assertEquals("later", text(mover.next()));
                assertNull(mover.poll(500), "each message once");
            }
        }
    }

    /**
     * The router claims a message's first copy before it hands it to the session's thread, so a
     * relayed copy can find its direct twin claimed but not arrived (the second fault run of
     * 2026-12-07: p2-257 reached a client before p2-240..250, whose direct copies came after
     * their relayed ones and waited for the relay's end). The relayed copy goes in its place.
     */
    @Test
    void aRelayedCopyGoesInThePlaceOfATwinStillOnItsWay() throws Exception {
        EventExecutor loop = new DefaultEventExecutor();
        try {
            BrokerMetrics metrics = new BrokerMetrics();
            Outbound.Limits limits =
                    new Outbound.Limits(10, 10, 0, 0, QueueFullPolicy.PUSH_BACK, Duration.ofMinutes(1), false, false);
            Session session = new Session(
                    CLIENT, loop, limits, new InMemoryMessageQueueStore(), new DropLog(metrics), metrics, null);
            StoredMessage earlier = message(1, "earlier");
            StoredMessage later = message(2, "later");
            RecordingLink link = new RecordingLink();

            List<String> sent = onSessionThread(session, () -> {
                session.waitForRelay();
                session.deliverRelayedCopy(earlier, 1, false); // its direct twin was claimed first
                session.deliverRelayed(later, 1, false);
                session.deliver(earlier, 1, false, false); // the direct twin arrives
                session.relayEnded();
                session.startTakeover(link, false);
                session.attach(link, loop);
                return link.sent();
            });

            assertEquals(List.of("PUBLISH m1 q1 dup=false", "PUBLISH m2 q1 dup=false"), sent);
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static <T> T onSessionThread(Session session, Supplier<T> step) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        session.execute(() -> result.complete(step.get()));
        return result.get(10, TimeUnit.SECONDS);
    }

    private static StoredMessage message(long id, String text) {
        return new StoredMessage(id, "t/a", 1, false, text.getBytes(StandardCharsets.UTF_8), 0L);
    }

    private static String text(PahoClients.Received received) {
        return new String(received.message().getPayload(), StandardCharsets.UTF_8);
    }

    private static void await(CompletionStage<Void> stage) throws Exception {
        stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
