package io.starling.distribution;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A publisher as an application writes one: publishes numbered messages one at a time and,
 * when its connection breaks or a message is not acknowledged, reconnects (through the
 * balancer) and publishes the same message again. Remembers which messages were acknowledged
 * (PUBACK, or PUBCOMP at QoS 2).
 */
final class ResendingPublisher implements Runnable {

    private final String url;
    final String clientId;
    private final String topic;
    private final int qos;
    private final int count;
    private final long deadlineNanos;
    final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    final AtomicInteger reconnects = new AtomicInteger();
    private MqttClient client;

    ResendingPublisher(String url, String clientId, String topic, int qos, int count, long deadlineNanos) {
        this.url = url;
        this.clientId = clientId;
        this.topic = topic;
        this.qos = qos;
        this.count = count;
        this.deadlineNanos = deadlineNanos;
    }

    /** Connects the first time (so the test knows which node it reached before publishing). */
    void connect() throws MqttException {
        client = new MqttClient(url, clientId, new MemoryPersistence());
        client.setTimeToWait(15_000);
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        client.connect(options);
    }

    /** The payload of message {@code seq}. */
    String payload(int seq) {
        return clientId + "-" + seq;
    }

    List<String> payloads() {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(this::payload)
                .toList();
    }

    @Override
    public void run() {
        try {
            for (int seq = 0; seq < count; seq++) {
                while (!publish(payload(seq))) {
                    if (System.nanoTime() > deadlineNanos) {
                        return;
                    }
                    reconnect();
                }
            }
        } finally {
            closeQuietly();
        }
    }

    private boolean publish(String payload) {
        try {
            client.publish(topic, payload.getBytes(UTF_8), qos, false);
            acknowledged.add(payload);
            return true;
        } catch (MqttException e) {
            return false;
        }
    }

    private void reconnect() {
        closeQuietly();
        reconnects.incrementAndGet();
        try {
            connect();
        } catch (MqttException e) {
            // Tried again by the caller's loop, until the deadline.
        }
    }

    private void closeQuietly() {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000);
            }
            client.close(true);
        } catch (MqttException e) {
            // Already broken: nothing to close.
        }
        client = null;
    }
}
