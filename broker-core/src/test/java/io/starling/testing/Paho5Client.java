package io.starling.testing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * An MQTT 5 client (Eclipse Paho's, an independent implementation) that collects what it
 * receives, for tests of what survives restarts and crosses cluster nodes.
 */
public final class Paho5Client implements AutoCloseable, MqttCallback {

    /** A received message with its topic. */
    public record Received(String topic, MqttMessage message) {
        public String text() {
            return new String(message.getPayload(), StandardCharsets.UTF_8);
        }
    }

    private static final long WAIT_MILLIS = 10_000;

    private final MqttAsyncClient client;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    public Paho5Client(String url, String clientId) throws MqttException {
        client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        client.setCallback(this);
    }

    /** Options with Clean Start and Session Expiry Interval as given (automatic reconnect off). */
    public static MqttConnectionOptions options(boolean cleanStart, long sessionExpirySeconds) {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(cleanStart);
        options.setSessionExpiryInterval(sessionExpirySeconds);
        options.setConnectionTimeout(10);
        options.setAutomaticReconnect(false);
        return options;
    }

    /** As {@link #options}, with a QoS 1 will "will" on {@code willTopic} delayed by {@code delaySeconds}. */
    public static MqttConnectionOptions optionsWithDelayedWill(
            boolean cleanStart, long sessionExpirySeconds, String willTopic, long delaySeconds) {
        MqttConnectionOptions options = options(cleanStart, sessionExpirySeconds);
        MqttMessage will = new MqttMessage("will".getBytes(StandardCharsets.UTF_8));
        will.setQos(1);
        options.setWill(willTopic, will);
        MqttProperties willProperties = new MqttProperties();
        willProperties.setWillDelayInterval(delaySeconds);
        options.setWillMessageProperties(willProperties);
        return options;
    }

    /** Connects; returns CONNACK's session present. */
    public boolean connect(MqttConnectionOptions options) throws MqttException {
        IMqttToken token = client.connect(options);
        token.waitForCompletion(WAIT_MILLIS);
        return token.getSessionPresent();
    }

    public boolean connect(boolean cleanStart, long sessionExpirySeconds) throws MqttException {
        return connect(options(cleanStart, sessionExpirySeconds));
    }

    /** Subscribes (waits for SUBACK) and fails unless the QoS is granted. */
    public void subscribe(MqttSubscription subscription, MqttProperties properties) throws MqttException {
        IMqttToken token = client.subscribe(new MqttSubscription[] {subscription}, null, null, properties);
        token.waitForCompletion(WAIT_MILLIS);
        int granted = token.getReasonCodes()[0];
        if (granted != subscription.getQos()) {
            throw new AssertionError("SUBACK " + granted + " for " + subscription.getTopic());
        }
    }

    public void subscribe(String filter, int qos) throws MqttException {
        subscribe(new MqttSubscription(filter, qos), new MqttProperties());
    }

    /** Publishes and waits for the acknowledgement (QoS 1/2). */
    public void publish(String topic, MqttMessage message) throws MqttException {
        client.publish(topic, message).waitForCompletion(WAIT_MILLIS);
    }

    /** The next message received within 30 s; fails if none. */
    public Received next() throws InterruptedException {
        Received next = received.poll(30, TimeUnit.SECONDS);
        if (next == null) {
            throw new AssertionError(client.getClientId() + " received nothing within 30 s");
        }
        return next;
    }

    /** Leaves with DISCONNECT. */
    public void disconnect() throws MqttException {
        client.disconnect(0).waitForCompletion(WAIT_MILLIS);
    }

    /** Drops the connection without DISCONNECT (as a crashed client: its will goes out). */
    public void drop() throws MqttException {
        client.disconnectForcibly(0, 1_000, false);
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnectForcibly(0, 1_000, false);
        }
        client.close(true);
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        received.add(new Received(topic, message));
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {}

    @Override
    public void mqttErrorOccurred(MqttException exception) {}

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {}

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
}
