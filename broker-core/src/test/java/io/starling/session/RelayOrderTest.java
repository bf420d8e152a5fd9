package io.starling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.starling.Broker;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.PahoClients;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
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
