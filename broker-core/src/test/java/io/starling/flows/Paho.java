package io.starling.flows;

import io.starling.testing.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Eclipse Paho clients for one test: created connected (MQTT 3.1.1, no automatic reconnect),
 * each with a {@link Received} callback, and all closed by {@link #close}. Paho spends about
 * 300 ms in every connect (its sender thread start-up polls with sleeps), so tests use few.
 */
final class Paho implements AutoCloseable {

    /** A connected client, what it receives, and whether the broker said session-present. */
    record Client(MqttClient mqtt, Received received, boolean sessionPresent) {

        void subscribe(String filter, int qos) throws MqttException {
            mqtt.subscribe(filter, qos);
        }

        /** Publishes and, for QoS 1/2, waits until the flow with the broker is complete. */
        void publish(String topic, String payload, int qos, boolean retained) throws MqttException {
            mqtt.publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
        }

        void publish(String topic, String payload, int qos) throws MqttException {
            publish(topic, payload, qos, false);
        }

        void disconnect() throws MqttException {
            mqtt.disconnect(0);
            mqtt.close();
        }
    }

    private final List<MqttClient> clients = new ArrayList<>();
    private final String url;

    Paho(EmbeddedBroker broker) {
        this.url = broker.url();
    }

    Client connect(String clientId) throws MqttException {
        return connect(clientId, true);
    }

    Client connect(String clientId, boolean cleanSession) throws MqttException {
        MqttConnectOptions options = options(cleanSession);
        return connect(clientId, options);
    }

    static MqttConnectOptions options(boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(5);
        options.setKeepAliveInterval(60);
        return options;
    }

    Client connect(String clientId, MqttConnectOptions options) throws MqttException {
        MqttClient mqtt = new MqttClient(url, clientId, new MemoryPersistence());
        mqtt.setTimeToWait(5000);
        Received received = new Received();
        mqtt.setCallback(received);
        clients.add(mqtt);
        IMqttToken token = mqtt.connectWithResult(options);
        return new Client(mqtt, received, token.getSessionPresent());
    }

    /** A connected client subscribed to the filters at the given QoS (SUBACK received). */
    Client subscriber(String clientId, String filter, int qos) throws MqttException {
        Client client = connect(clientId);
        client.subscribe(filter, qos);
        return client;
    }

    @Override
    public void close() {
        for (MqttClient client : clients) {
            try {
                if (client.isConnected()) {
                    client.disconnect(0);
                }
            } catch (MqttException ignored) {
                // already gone
            }
            try {
                client.close(true);
            } catch (MqttException ignored) {
                // already closed
            }
        }
    }
}
