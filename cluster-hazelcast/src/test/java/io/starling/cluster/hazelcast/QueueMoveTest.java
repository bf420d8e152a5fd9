package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.flows.RawPublish;
import io.starling.testing.NumberedPayloads;
import io.starling.testing.RawMqttClient;
import io.starling.testing.ScrapedMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent session with a long queue (20,000 messages of 1 KiB, about 20 MiB) moves to
 * another node when its client reconnects there, both nodes with MapDB and a small heap
 * (-Xmx128m, of which the default {@code max-queued-bytes-total} takes a quarter). The queue
 * follows the session in parts of at most {@code move-queue-part-bytes} (read from the old
 * node's metrics, not from timing), and the client gets every acknowledged message once and in
 * order: the queue first, then what was published on the old node while the session moved.
 */
class QueueMoveTest {

    private static final int QUEUED = 20_000;
    private static final int DURING_MOVE = 200;
    private static final int SIZE = 1024;
    private static final int PART_BYTES = 64 * 1024;
    /** QoS 1 publishes sent before their PUBACKs are read. */
    private static final int WINDOW = 100;

    @TempDir
    Path dir;

    @Test
    void aLongQueueFollowsItsSessionInBoundedPartsAndArrivesWholeInOrder() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.startWithMapDb(
                dir,
                2,
                List.of("-Xmx128m"),
                "starling.mqtt.max-queued-messages = 100000",
                "starling.cluster.hazelcast.move-queue-part-bytes = " + PART_BYTES)) {
            ClusterProcesses.Node from = cluster.node(0);
            ClusterProcesses.Node to = cluster.node(1);
            try (RawMqttClient subscriber = new RawMqttClient(from.mqttPort)) {
                RawPublish.connect(subscriber, "mover", false);
                RawPublish.subscribe(subscriber, 1, "big/#", 1);
                subscriber.send(RawMqttClient.disconnect());
                assertTrue(subscriber.isClosedByServer(), "the subscriber's connection closes after DISCONNECT");
            }
            try (RawMqttClient publisher = new RawMqttClient(from.mqttPort, 60_000)) {
                RawPublish.connect(publisher, "filler", true);
                publish(publisher, 1, QUEUED);
                // Opened only now: a connection waits at most connect-timeout for its CONNECT.
                try (RawMqttClient moved = new RawMqttClient(to.mqttPort, 60_000)) {
                    assertTrue(RawPublish.connect(moved, "mover", false), "session present on the new node");
                    // Routed to the old node (the publisher's) while the session moves: relayed, after the queue.
                    publish(publisher, QUEUED + 1, QUEUED + DURING_MOVE);
                    assertAllInOrder(RawPublish.receive(moved, QUEUED + DURING_MOVE));
                    moved.setReadTimeout(500);
                    assertTrue(moved.isSilent(), "nothing more after the " + (QUEUED + DURING_MOVE) + " messages");
                }
            }
            ScrapedMetrics metrics = ScrapedMetrics.scrape(from.httpPort);
            long parts = metrics.value("starling_cluster_queue_parts_sent_total");
            long largest = metrics.value("starling_cluster_queue_part_bytes_max");
            assertTrue(largest > PART_BYTES / 2 && largest <= PART_BYTES, "largest part: " + largest + " bytes");
            assertTrue(
                    parts >= (long) QUEUED * SIZE / PART_BYTES,
                    parts + " parts for " + QUEUED + " messages of " + SIZE + " bytes");
        }
    }

    /** Messages 1, 2, 3, ... each once, in order. */
    private static void assertAllInOrder(List<String> received) {
        for (int i = 0; i < received.size(); i++) {
            int number = Integer.parseInt(received.get(i).substring(0, 6));
            assertEquals(i + 1, number, "message number at position " + i + " of " + received.size());
        }
    }

    /** Publishes the numbered messages at QoS 1, {@link #WINDOW} at a time, each window acknowledged. */
    private static void publish(RawMqttClient publisher, int first, int last) throws IOException {
        for (int start = first; start <= last; start += WINDOW) {
            int end = Math.min(last, start + WINDOW - 1);
            for (int number = start; number <= end; number++) {
                publisher.send(RawMqttClient.publishPacket(
                        "big/queue", 1, 1 + number % 60_000, NumberedPayloads.of(number, SIZE)));
            }
            for (int number = start; number <= end; number++) {
                assertEquals(
                        1 + number % 60_000,
                        publisher.expect(RawMqttClient.PUBACK).packetId(),
                        "PUBACK of message " + number);
            }
        }
    }
}
