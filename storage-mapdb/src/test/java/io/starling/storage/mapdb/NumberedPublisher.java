package io.starling.storage.mapdb;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Publishes uniquely numbered messages with a window of unacknowledged ones until stopped,
 * the connection is lost or {@link #MAX_MESSAGES} were sent; records the numbers the broker
 * acknowledged (PUBACK for QoS 1, PUBCOMP for QoS 2).
 */
final class NumberedPublisher {

    static final int MAX_MESSAGES = 20_000;
    private static final int WINDOW = 16;
    private static final int TIMEOUT_MILLIS = 10_000;

    private final MqttAsyncClient client;
    private final String topic;
    private final int qos;
    private final AtomicInteger numbers;
    private final Set<Integer> acknowledged;
    private final Thread thread;
    private volatile boolean running = true;

    NumberedPublisher(
            String url, String clientId, String topic, int qos, AtomicInteger numbers, Set<Integer> acknowledged)
            throws MqttException {
        this.client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        this.topic = topic;
        this.qos = qos;
        this.numbers = numbers;
        this.acknowledged = acknowledged;
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        // Paho frees an in-flight slot a little after the token completes: room to spare.
        options.setMaxInflight(WINDOW * 4);
        options.setConnectionTimeout(10);
        client.connect(options).waitForCompletion(TIMEOUT_MILLIS);
        thread = new Thread(this::publish, "publisher-" + clientId);
        thread.start();
    }

    private void publish() {
        Deque<IMqttDeliveryToken> window = new ArrayDeque<>();
        try {
            for (int sent = 0; running && sent < MAX_MESSAGES; sent++) {
                if (window.size() >= WINDOW) {
                    window.pollFirst().waitForCompletion(TIMEOUT_MILLIS);
                }
                int number = numbers.incrementAndGet();
                window.addLast(client.publish(
                        topic,
                        Integer.toString(number).getBytes(StandardCharsets.UTF_8),
                        qos,
                        false,
                        null,
                        recordAcknowledgement(number)));
            }
        } catch (MqttException e) {
            // The broker went away (killed): publishing ends here.
        }
    }

    private IMqttActionListener recordAcknowledgement(int number) {
        return new IMqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                acknowledged.add(number);
            }

            @Override
            public void onFailure(IMqttToken token, Throwable failure) {
                // Not acknowledged: the test expects nothing of it.
            }
        };
    }

    /** Stops publishing (bounded wait) and drops the connection. */
    void stop() throws InterruptedException, MqttException {
        running = false;
        thread.join(TIMEOUT_MILLIS);
        try {
            client.disconnectForcibly(0, 1000);
        } catch (MqttException e) {
            // Already disconnected by the broker's death.
        }
        client.close(true);
    }
}
