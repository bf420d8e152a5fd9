package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.flows.Await;
import io.starling.flows.RawPublish;
import io.starling.metrics.BrokerMetrics;
import io.starling.spi.Storage;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.Mqtt5Wire;
import io.starling.testing.NumberedPayloads;
import io.starling.testing.QuotaFill;
import io.starling.testing.RawMqttClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent subscriber's stored queue at {@code max-client-queue-size}: an MQTT 5 publisher
 * whose message no subscriber can take gets PUBACK / PUBREC 0x97 (Quota exceeded) and nothing of
 * the message is kept; a message another subscriber takes is acknowledged with success and
 * dropped (counted) for the full one only, as is a retained one; an MQTT 3.1.1 publisher is acknowledged and the
 * message dropped, counted. The full subscriber then gets exactly the messages acknowledged to
 * it with success, in order.
 */
class QuotaExceededTest {

    private static final int QUOTA_EXCEEDED = 0x97;
    private static final long MAX_CLIENT_QUEUE = 64 * 1024;
    private static final int SIZE = 1000;
    private static final Duration AWAIT = Duration.ofSeconds(30);
    /** Bound of the fill loop: far more than fit in the queue limit. */
    private static final int MOST = 10 * (int) (MAX_CLIENT_QUEUE / SIZE);

    @TempDir
    Path directory;

    @Test
    void anMqtt5PublisherLearnsThatNoSubscriberCouldStoreItsMessage() throws Exception {
        Storage storage = MapDbStorageProvider.open(
                new MapDbSettings(directory, Durability.ALWAYS, Duration.ofSeconds(1), 0, MAX_CLIENT_QUEUE, 0));
        try (EmbeddedBroker broker = EmbeddedBroker.start(storage, List.of(), List.of())) {
            BrokerMetrics metrics = broker.broker().counters();
            try (RawMqttClient full = new RawMqttClient(broker.port());
                    RawMqttClient roomy = new RawMqttClient(broker.port())) {
                RawPublish.connect(full, "full", false);
                RawPublish.subscribe(full, 1, "q/#", 1);
                RawPublish.connect(roomy, "roomy", false);
                RawPublish.subscribe(roomy, 1, "q/shared", 1);
            }
            List<String> accepted;
            try (RawMqttClient publisher = Mqtt5Wire.connected(broker.port(), "pub5", 0x02, new byte[0])) {
                QuotaFill fill = QuotaFill.untilRefused(publisher, "q/fill", SIZE, MOST);
                accepted = fill.accepted();
                int packetId = fill.packetId();
                assertEquals(QUOTA_EXCEEDED, fill.reason(), "PUBACK reason once the queue is full");
                assertTrue(accepted.size() > 10, "only " + accepted.size() + " messages fitted");
                assertEquals(1, metrics.quotaExceededRefusals());
                assertEquals(0, metrics.queueLimitDrops("client"), "a refused message is not a drop");

                // QoS 2: PUBREC 0x97 ends the exchange, so the same packet id is a new message again.
                int qos2Id = ++packetId;
                for (int attempt = 0; attempt < 2; attempt++) {
                    publisher.send(
                            Mqtt5Wire.publish("q/fill", 2, qos2Id, new byte[0], NumberedPayloads.of(qos2Id, SIZE)));
                    assertEquals(
                            QUOTA_EXCEEDED,
                            Mqtt5Wire.ackReason(publisher.expect(RawMqttClient.PUBREC)),
                            "PUBREC reason, attempt " + attempt);
                }
                assertEquals(3, metrics.quotaExceededRefusals());

                // Another subscriber has room: acknowledged with success, dropped for the full one only.
                publisher.send(Mqtt5Wire.publish("q/shared", 1, ++packetId, new byte[0], "shared"));
                assertEquals(0, Mqtt5Wire.ackReason(publisher.expect(RawMqttClient.PUBACK)), "shared PUBACK");
                assertEquals(1, metrics.queueLimitDrops("client"));
                assertEquals(3, metrics.quotaExceededRefusals());

                // Retained: kept for later subscribers, so taken; dropped for the full session.
                byte[] retained = Mqtt5Wire.publish("q/fill", 1, ++packetId, new byte[0], "retained");
                retained[0] |= 0x01;
                publisher.send(retained);
                assertEquals(0, Mqtt5Wire.ackReason(publisher.expect(RawMqttClient.PUBACK)), "retained PUBACK");
                assertEquals(2, metrics.queueLimitDrops("client"));
                assertEquals(3, metrics.quotaExceededRefusals());
            }
            try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
                RawPublish.connect(publisher, "pub3", true);
                publisher.send(RawMqttClient.publishPacket("q/fill", 1, 1, "from 3.1.1"));
                assertEquals(1, publisher.expect(RawMqttClient.PUBACK).packetId(), "3.1.1 PUBACK");
                assertEquals(3, metrics.queueLimitDrops("client"), "the 3.1.1 publisher's message is dropped, counted");
            }
            try (RawMqttClient roomy = new RawMqttClient(broker.port())) {
                assertTrue(RawPublish.connect(roomy, "roomy", false));
                assertEquals(List.of("shared"), RawPublish.receive(roomy, 1));
            }
            try (RawMqttClient full = new RawMqttClient(broker.port())) {
                assertTrue(RawPublish.connect(full, "full", false));
                assertEquals(accepted, RawPublish.receive(full, accepted.size()), "what was acknowledged, in order");
                // Room again (the limit counts what the store holds), so the marker is stored.
                Await.until(
                        "the drained queue leaves the store",
                        AWAIT,
                        () -> storage.statistics().queuedBytes() == 0);
                try (RawMqttClient publisher = new RawMqttClient(broker.port())) {
                    RawPublish.connect(publisher, "pub3", true);
                    publisher.send(RawMqttClient.publishPacket("q/marker", 1, 1, "marker"));
                    publisher.expect(RawMqttClient.PUBACK);
                }
                assertEquals(List.of("marker"), RawPublish.receive(full, 1), "nothing refused or dropped comes after");
            }
        }
    }
}
