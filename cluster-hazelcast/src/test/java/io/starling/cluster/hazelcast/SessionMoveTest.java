package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.testing.PahoClients;
import io.starling.testing.RawMqttClient;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent session moving between live nodes while messages for it are published: its
 * client, which has not acknowledged what it got, connects with the same id to another node.
 * Every message acknowledged to the publisher reaches the session on its new node, once and
 * in the publisher's order, however the move and the messages on their way interleave.
 */
class SessionMoveTest {

    private static final int BEFORE_MOVE = 25;
    private static final int DURING_MOVE = 25;
    private static final int MOVES = 6;

    @TempDir
    static Path dir;

    private static ClusterProcesses cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterProcesses.startWithMapDb(dir, 3);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSessionTakenOverOnAnotherNodeGetsEveryAcknowledgedMessageOnceAndInOrder() throws Exception {
        String clientId = "mover";
        try (RawMqttClient first = new RawMqttClient(cluster.node(0).mqttPort, 10_000)) {
            assertEquals(0, first.connect(clientId, false, 60));
            first.send(RawMqttClient.subscribePacket(1, "t/#", 1));
            first.expect(RawMqttClient.SUBACK);
            RawMqttClient current = first;
            for (int move = 1; move <= MOVES; move++) {
                // The publisher sits on the node the session moves to, a third node, or the node it leaves.
                int from = (move - 1) % 3;
                int to = move % 3;
                int publisherNode = (from + move) % 3;
                current = moveWhilePublishing(clientId, current, from, to, publisherNode, move);
            }
            current.close();
        }
    }

    /**
     * Publishes {@link #BEFORE_MOVE} messages (not acknowledged by the client), then goes on
     * publishing while the client connects to node {@code to}; the new connection must get all.
     */
    private RawMqttClient moveWhilePublishing(
            String clientId, RawMqttClient old, int from, int to, int publisherNode, int move) throws Exception {
        String topic = "t/d" + move;
        try (PahoClients publisher =
                PahoClients.connect(cluster.node(publisherNode).url(), "pub-" + move)) {
            for (int i = 1; i <= BEFORE_MOVE; i++) {
                publisher.client().publish(topic, payload(i), 1, false);
            }
            // The old connection has them (in flight or queued): it never acknowledges them.
            old.expect(RawMqttClient.PUBLISH);
            CountDownLatch publishing = new CountDownLatch(1);
            CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = BEFORE_MOVE + 1; i <= BEFORE_MOVE + DURING_MOVE; i++) {
                        publisher.client().publish(topic, payload(i), 1, false);
                        publishing.countDown();
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            publishing.await(10, TimeUnit.SECONDS);
            RawMqttClient moved = new RawMqttClient(cluster.node(to).mqttPort, 10_000);
            moved.send(RawMqttClient.connectPacket(clientId, false, 60));
            assertEquals(
                    1,
                    moved.expect(RawMqttClient.CONNACK).body()[0],
                    "session present on node " + to + " (move " + move + " from node " + from + ")");
            rest.get(30, TimeUnit.SECONDS);
            old.close();
            List<Integer> received = new ArrayList<>();
            try {
                while (received.size() < BEFORE_MOVE + DURING_MOVE) {
                    RawMqttClient.Packet publish = moved.expect(RawMqttClient.PUBLISH);
                    received.add(numberIn(publish, topic));
                    moved.send(RawMqttClient.ackPacket(RawMqttClient.PUBACK, packetIdOf(publish)));
                }
            } catch (SocketTimeoutException e) {
                // Compared below: the missing messages are named there.
            }
            List<Integer> expected = new ArrayList<>();
            for (int i = 1; i <= BEFORE_MOVE + DURING_MOVE; i++) {
                expected.add(i);
            }
            assertEquals(
                    expected,
                    received,
                    "move " + move + " from node " + from + " to node " + to + " with the publisher on node "
                            + publisherNode);
            moved.setReadTimeout(300);
            assertEquals(true, moved.isSilent(), "nothing more after the " + expected.size() + " messages");
            moved.setReadTimeout(10_000);
            return moved;
        }
    }

    private static byte[] payload(int number) {
        return Integer.toString(number).getBytes(StandardCharsets.UTF_8);
    }

    /** The message number of a PUBLISH of {@code topic}, read failing on any other topic. */
    private static int numberIn(RawMqttClient.Packet publish, String topic) {
        byte[] body = publish.body();
        int topicLength = ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
        String received = new String(body, 2, topicLength, StandardCharsets.UTF_8);
        assertEquals(topic, received, "a message of this move's topic");
        int payloadStart = 2 + topicLength + 2;
        return Integer.parseInt(new String(body, payloadStart, body.length - payloadStart, StandardCharsets.UTF_8));
    }

    private static int packetIdOf(RawMqttClient.Packet publish) {
        int topicLength = ((publish.body()[0] & 0xFF) << 8) | (publish.body()[1] & 0xFF);
        int index = 2 + topicLength;
        return ((publish.body()[index] & 0xFF) << 8) | (publish.body()[index + 1] & 0xFF);
    }
}
