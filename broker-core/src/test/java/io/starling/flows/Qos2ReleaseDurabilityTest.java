package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.MessageQueueStore;
import io.starling.spi.Storage;
import io.starling.storage.memory.InMemoryStorageProvider;
import io.starling.testing.DelegatingQueueStore;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * Outbound QoS 2: PUBREL goes to the subscriber only once the store has recorded its PUBREC.
 * Sent earlier, a crash could forget the PUBREC: after the restart the broker (or the node the
 * session moved to) would send the message again, and a client that hands QoS 2 messages to
 * the application at PUBREL, as Paho does, would have it twice.
 */
class Qos2ReleaseDurabilityTest {

    /** The in-memory queue store, with the recording of PUBRECs held until the test lets it go. */
    private static final class HeldReleases extends DelegatingQueueStore {
        final CompletableFuture<Void> letGo = new CompletableFuture<>();

        HeldReleases(MessageQueueStore store) {
            super(store);
        }

        @Override
        public CompletionStage<Void> markReleased(String clientId, long messageId) {
            return letGo.thenCompose(ignored -> store.markReleased(clientId, messageId));
        }
    }

    @Test
    void pubrelWaitsUntilThePubrecIsStored() throws Exception {
        Storage memory = InMemoryStorageProvider.newStorage();
        HeldReleases queues = new HeldReleases(memory.queues());
        Storage storage = new Storage(memory.sessions(), queues, memory.retained());
        try (EmbeddedBroker broker = EmbeddedBroker.start(storage, List.of(), List.of());
                RawMqttClient subscriber = new RawMqttClient(broker.port(), 500);
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            RawPublish.connect(subscriber, "held-sub", false);
            subscriber.send(RawMqttClient.subscribePacket(1, "held/t", 2));
            subscriber.expect(RawMqttClient.SUBACK);
            RawPublish.connect(publisher, "held-pub", true);
            publisher.send(RawMqttClient.publishPacket("held/t", 2, 7, "once"));
            publisher.expect(RawMqttClient.PUBREC);

            RawPublish delivered = RawPublish.read(subscriber);
            subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBREC, delivered.packetId()));
            assertTrue(subscriber.isSilent(), "no PUBREL while the PUBREC is not stored");

            queues.letGo.complete(null);
            subscriber.setReadTimeout(5000);
            RawMqttClient.Packet pubrel = subscriber.expect(RawMqttClient.PUBREL);
            assertTrue(pubrel.packetId() == delivered.packetId(), "PUBREL for the delivered packet");
        }
    }
}
