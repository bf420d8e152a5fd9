package io.starling.storage.mapdb;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A persistent-session subscriber (clean session 0) counting how often each message number arrived. */
final class CountingSubscriber {

    private final String clientId;
    private final Map<Integer, AtomicInteger> received = new ConcurrentHashMap<>();
    private MqttClient client;

    CountingSubscriber(String clientId) {
        this.clientId = clientId;
    }

    /** Connects with clean session 0; returns the CONNACK's session-present flag. */
    boolean connect(String url) throws MqttException {
        client = new MqttClient(url, clientId, new MemoryPersistence());
        client.setTimeToWait(10_000);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                // Reported by the test's own checks.
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                int number = Integer.parseInt(new String(message.getPayload(), StandardCharsets.UTF_8));
                received.computeIfAbsent(number, n -> new AtomicInteger()).incrementAndGet();
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // Subscribers publish nothing.
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setConnectionTimeout(10);
        return client.connectWithResult(options).getSessionPresent();
    }

    void subscribe(String filter, int qos) throws MqttException {
        client.subscribe(filter, qos);
    }

    void disconnect() throws MqttException {
        client.disconnect(5_000);
        client.close();
    }

    boolean hasReceivedAll(Iterable<Integer> numbers) {
        for (Integer number : numbers) {
            if (!received.containsKey(number)) {
                return false;
            }
        }
        return true;
    }

    /** Each message number to the number of times it arrived. */
    Map<Integer, AtomicInteger> received() {
        return received;
    }
}
