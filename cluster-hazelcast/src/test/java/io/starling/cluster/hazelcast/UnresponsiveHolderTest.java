package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.PahoClients;
import io.starling.testing.RawMqttClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client reconnects to another node while the node holding its persistent session does not
 * answer (frozen for longer than the request timeout, shorter than the member timeout): the
 * session continues from the cluster's record with its subscriptions and the cluster's copy of
 * its queue (taking the copy over waits for the frozen node if the copy's partition is there:
 * while it failed after the request timeout instead, the retried connect found the session gone,
 * which the frozen node had handed over meanwhile to a connect that had failed). Before, the connect failed, and the next
 * one, finding the id already claimed by its own node, started an empty session: the
 * subscriptions were gone and nothing reached the client (found by the randomized fault run).
 */
class UnresponsiveHolderTest {

    private static final int CLIENTS = 6;

    @TempDir
    Path dir;

    @Test
    void aSessionWhoseNodeDoesNotAnswerContinuesFromItsRecordWithItsQueue() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.startWithMapDb(
                dir,
                2,
                "starling.cluster.hazelcast.request-timeout = 1500ms",
                "starling.cluster.hazelcast.member-timeout = 20s",
                "starling.cluster.hazelcast.replicate-queues = true")) {
            ClusterProcesses.Node holder = cluster.node(0);
            ClusterProcesses.Node other = cluster.node(1);
            // Several clients: the claim of an id whose map partition the frozen node owns waits for
            // it; the others are claimed at once and find the holder silent.
            List<String> clientIds =
                    IntStream.range(0, CLIENTS).mapToObj(i -> "patient-" + i).toList();
            for (String clientId : clientIds) {
                try (RawMqttClient subscriber = new RawMqttClient(holder.mqttPort)) {
                    assertEquals(0, subscriber.connect(clientId, false, 60));
                    subscriber.send(RawMqttClient.subscribePacket(1, "wait/#", 1));
                    subscriber.expect(RawMqttClient.SUBACK);
                    subscriber.send(RawMqttClient.disconnect());
                }
            }
            try (PahoClients publisher = PahoClients.connect(other.url(), "queuer")) {
                for (int i = 1; i <= 3; i++) {
                    publisher.client().publish("wait/x", bytes("queued" + i), 1, false);
                }
            }
            holder.process.pause();
            // The fault: the holder stays frozen for 9 s, past the request timeout and Hazelcast's backup
            // timeout (5 s: until then map writes wait for the frozen backup), within the member timeout.
            CompletableFuture<Void> thawed = CompletableFuture.runAsync(() -> {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(9));
                try {
                    holder.process.resume();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<CompletableFuture<RawMqttClient>> connecting = clientIds.stream()
                    .map(clientId ->
                            CompletableFuture.supplyAsync(() -> connectUntilAccepted(other.mqttPort, clientId)))
                    .toList();
            List<RawMqttClient> subscribers = new ArrayList<>();
            try {
                for (CompletableFuture<RawMqttClient> connected : connecting) {
                    subscribers.add(connected.get(90, TimeUnit.SECONDS));
                }
                thawed.get(30, TimeUnit.SECONDS);
                try (PahoClients publisher = PahoClients.connect(other.url(), "live")) {
                    publisher.client().publish("wait/y", bytes("live"), 1, false);
                }
                for (int i = 0; i < CLIENTS; i++) {
                    List<String> received = new ArrayList<>();
                    for (int n = 0; n < 4; n++) {
                        received.add(next(subscribers.get(i)));
                    }
                    assertEquals(
                            List.of("queued1", "queued2", "queued3"),
                            received.stream()
                                    .filter(text -> text.startsWith("queued"))
                                    .toList(),
                            clientIds.get(i) + ": what was queued on the frozen node arrives, in order: " + received);
                    assertTrue(
                            received.contains("live"),
                            clientIds.get(i) + ": its subscription works on the other node: " + received);
                }
            } finally {
                for (RawMqttClient subscriber : subscribers) {
                    subscriber.close();
                }
            }
        }
    }

    /**
     * Connects until a CONNACK accepts the connection, as a client retries (a connect may be
     * refused while the frozen node does not answer); the CONNACK must say the session was present.
     */
    private static RawMqttClient connectUntilAccepted(int port, String clientId) {
        try {
            return connectWithRetries(port, clientId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RawMqttClient connectWithRetries(int port, String clientId) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            RawMqttClient client = new RawMqttClient(port, 15_000);
            try {
                client.send(RawMqttClient.connectPacket(clientId, false, 60));
                RawMqttClient.Packet connack = client.expect(RawMqttClient.CONNACK);
                if (connack.body()[1] == 0) {
                    assertEquals(1, connack.body()[0], "the session continues from its record, subscriptions and all");
                    return client;
                }
                // Refused (server unavailable): the cluster could not set the session up yet.
            } catch (IOException e) {
                // Closed without CONNACK: the same.
            }
            client.close();
        }
        throw new AssertionError(clientId + " was not accepted within 60 s");
    }

    /** The payload of the next PUBLISH, acknowledged. */
    private static String next(RawMqttClient subscriber) throws Exception {
        RawMqttClient.Packet publish = subscriber.expect(RawMqttClient.PUBLISH);
        byte[] body = publish.body();
        int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        int packetId = ((body[2 + topicLength] & 0xFF) << 8) | (body[3 + topicLength] & 0xFF);
        subscriber.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, packetId));
        int payloadStart = 4 + topicLength;
        return new String(body, payloadStart, body.length - payloadStart, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
