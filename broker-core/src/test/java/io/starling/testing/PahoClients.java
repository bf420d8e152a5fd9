package io.starling.testing;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A Paho client that collects what it receives, for round-trip tests. */
public final class PahoClients implements AutoCloseable, MqttCallback {

    /** A received message with its topic. */
    public record Received(String topic, MqttMessage message) {
        public String text() {
            return new String(message.getPayload(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final MqttClient client;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    private PahoClients(MqttClient client) {
        this.client = client;
    }

    /** Connects to {@code uri} (tcp://, ssl://, ws://, wss://) with the given options. */
    public static PahoClients connect(String uri, String clientId, MqttConnectOptions options) throws MqttException {
        MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
        PahoClients wrapper = new PahoClients(client);
        client.setCallback(wrapper);
        options.setConnectionTimeout(10);
        client.connect(options);
        return wrapper;
    }

    public static PahoClients connect(String uri, String clientId) throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        return connect(uri, clientId, options);
    }

    public MqttClient client() {
        return client;
    }

    /** The next message received within 10 s, or an assertion error. */
    public Received next() throws InterruptedException {
        Received message = received.poll(10, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message received within 10 s");
        }
        return message;
    }

    /** The next message within the given time, or null (for "nothing arrives" checks). */
    public Received poll(long millis) throws InterruptedException {
        return received.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void connectionLost(Throwable cause) {
        // Tests that care check isConnected().
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        received.add(new Received(topic, message));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // Publishing is synchronous in these tests.
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(5000);
        }
        client.close(true);
    }
}
