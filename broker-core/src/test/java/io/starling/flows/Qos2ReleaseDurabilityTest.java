package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.DeliveryTarget;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueuedMessage;
import io.starling.spi.Storage;
import io.starling.spi.StoredMessage;
import io.starling.storage.memory.InMemoryStorageProvider;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.util.Collection;
import java.util.List;
import java.util.Set;
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
    private static final class HeldReleases implements MessageQueueStore {
        final MessageQueueStore store;
        final CompletableFuture<Void> letGo = new CompletableFuture<>();

        HeldReleases(MessageQueueStore store) {
            this.store = store;
        }

        @Override
        public CompletionStage<Void> markReleased(String clientId, long messageId) {
            return letGo.thenCompose(ignored -> store.markReleased(clientId, messageId));
        }

        @Override
        public CompletionStage<Void> append(
                StoredMessage message, Collection<DeliveryTarget> targets, InboundQos2Receipt receipt) {
            return store.append(message, targets, receipt);
        }

        @Override
        public CompletionStage<Void> markSent(String clientId, long messageId, int packetId) {
            return store.markSent(clientId, messageId, packetId);
        }

        @Override
        public CompletionStage<Void> remove(String clientId, long messageId) {
            return store.remove(clientId, messageId);
        }

        @Override
        public List<QueuedMessage> load(String clientId) {
            return store.load(clientId);
        }

        @Override
        public Set<Integer> loadInboundQos2(String clientId) {
            return store.loadInboundQos2(clientId);
        }

        @Override
        public CompletionStage<Void> releaseInboundQos2(String clientId, int packetId) {
            return store.releaseInboundQos2(clientId, packetId);
        }

        @Override
        public void close() {
            store.close();
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
