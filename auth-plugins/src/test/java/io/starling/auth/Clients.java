package io.starling.auth;

import io.starling.testing.RawMqttClient;
import java.io.IOException;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Connecting test clients and reading the CONNACK return code. */
final class Clients {

    private Clients() {}

    /** Connects with Paho and returns the CONNACK code (0 when accepted); the client disconnects again. */
    static int pahoConnack(String url, String clientId, String user, String password) throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setConnectionTimeout(10);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        try (MqttClient client = new MqttClient(url, clientId, new MemoryPersistence())) {
            try {
                client.connect(options);
            } catch (MqttException e) {
                if (e.getReasonCode() > 0 && e.getReasonCode() <= 5) {
                    return e.getReasonCode();
                }
                throw e;
            }
            client.disconnect();
            return 0;
        }
    }

    /** Sends a clean-session CONNECT with the given user (and password, if not null); returns the CONNACK code. */
    static int rawConnect(RawMqttClient client, String clientId, String user, String password) throws IOException {
        if (user == null) {
            return client.connect(clientId, true, 60);
        }
        int flags = 0x02 | 0x80 | (password != null ? 0x40 : 0);
        client.send(
                password == null
                        ? RawMqttClient.connectPacket("MQTT", 4, flags, 60, clientId, user)
                        : RawMqttClient.connectPacket("MQTT", 4, flags, 60, clientId, user, password));
        return client.expect(RawMqttClient.CONNACK).body()[1];
    }
}
