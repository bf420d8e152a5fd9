package io.starling.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shared subscriptions with the Paho MQTT 5 client: announced in CONNACK, one member per message. */
class Mqtt5SharedSubscriptionTest {

    private EmbeddedBroker broker;
    private final List<MqttClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttClient client : clients) {
            if (client.isConnected()) {
                client.disconnect();
            }
            client.close();
        }
        broker.close();
    }

    private MqttClient connected(String clientId) throws Exception {
        MqttClient client = new MqttClient(broker.url(), clientId, new MemoryPersistence());
        clients.add(client);
        IMqttToken connack = client.connectWithResult(new MqttConnectionOptions());
        assertTrue(connack.getResponseProperties().isSharedSubscriptionAvailable(), "Shared Subscription Available");
        return client;
    }

    private BlockingQueue<String> member(String clientId) throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        MqttClient client = connected(clientId);
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String topic, MqttMessage message) {
                received.add(new String(message.getPayload(), StandardCharsets.UTF_8));
            }

            @Override
            public void disconnected(MqttDisconnectResponse response) {}

            @Override
            public void mqttErrorOccurred(MqttException exception) {}

            @Override
            public void deliveryComplete(IMqttToken token) {}

            @Override
            public void connectComplete(boolean reconnect, String serverUri) {}

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {}
        });
        client.subscribe("$share/five/v5/#", 1);
        return received;
    }

    private static List<String> take(BlockingQueue<String> received, int count) throws InterruptedException {
        List<String> taken = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String next = received.poll(5, TimeUnit.SECONDS);
            assertNotNull(next, "message " + (i + 1) + " of " + count);
            taken.add(next);
        }
        return taken;
    }

    @Test
    void eachMessageGoesToOneMember() throws Exception {
        BlockingQueue<String> one = member("v5-one");
        BlockingQueue<String> two = member("v5-two");
        MqttClient publisher = connected("v5-publisher");
        Set<String> sent = new TreeSet<>();
        for (int i = 0; i < 10; i++) {
            sent.add("m" + i);
            publisher.publish("v5/t", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        List<String> all = new ArrayList<>(take(one, 5));
        all.addAll(take(two, 5));
        assertEquals(sent, new TreeSet<>(all), "round-robin: five each, every message once");
        assertEquals(null, one.poll(200, TimeUnit.MILLISECONDS), "no more than its share");
    }
}
