package io.starling.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A version-5 CONNECT is accepted on every listener (TCP, TLS, WebSocket, WebSocket over TLS): Paho's MQTT 5 client. */
class Mqtt5ListenersTest {

    @TempDir
    static Path dir;

    private static TestCertificates server;

    @BeforeAll
    static void certificates() throws Exception {
        server = TestCertificates.create(dir, "server", "localhost");
    }

    /** Connects with MQTT 5, subscribes, publishes QoS 1 to itself and receives it. */
    private static void roundTrip(String uri, MqttConnectionOptions options) throws Exception {
        MqttClient client = new MqttClient(uri, "v5-" + System.nanoTime(), new MemoryPersistence());
        try {
            options.setCleanStart(true);
            client.connect(options);
            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            client.subscribe(
                    new MqttSubscription[] {new MqttSubscription("v5/topic", 1)},
                    new IMqttMessageListener[] {(topic, message) -> received.add(message)});
            byte[] payload = "over MQTT 5".getBytes(StandardCharsets.UTF_8);
            client.publish("v5/topic", payload, 1, false);
            MqttMessage message = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(message, "no message back over " + uri);
            assertArrayEquals(payload, message.getPayload());
            assertEquals(1, message.getQos());
            client.disconnect();
        } finally {
            client.close();
        }
    }

    private static MqttConnectionOptions tlsOptions() throws Exception {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setSocketFactory(TestCertificates.clientFactory(server, null));
        options.setHttpsHostnameVerificationEnabled(false);
        return options;
    }

    @Test
    void tcp() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            roundTrip(broker.url(), new MqttConnectionOptions());
        }
    }

    @Test
    void tls() throws Exception {
        try (EmbeddedBroker broker =
                EmbeddedBroker.start(server.keystoreSettings().toArray(String[]::new))) {
            roundTrip("ssl://127.0.0.1:" + broker.broker().port("tls"), tlsOptions());
        }
    }

    @Test
    void webSocket() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("websocket.enabled = true")) {
            roundTrip("ws://127.0.0.1:" + broker.broker().port("websockets") + "/mqtt", new MqttConnectionOptions());
        }
    }

    @Test
    void webSocketOverTls() throws Exception {
        List<String> settings = new ArrayList<>(server.keystoreSettings());
        settings.set(0, "websocket-tls.enabled = true");
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings.toArray(String[]::new))) {
            roundTrip("wss://127.0.0.1:" + broker.broker().port("websockets-tls") + "/mqtt", tlsOptions());
        }
    }
}
