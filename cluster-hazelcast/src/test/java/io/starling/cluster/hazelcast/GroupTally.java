package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * What the members of one shared subscription group received of {@link PacedPublisher}s' numbered
 * messages ({@code root/<id>}), counted per message over all members, and per member. Each member
 * is a real Paho client connected to some node; Paho acknowledges a QoS 1 message after the
 * callback counted it.
 */
final class GroupTally implements AutoCloseable {

    private final String group;
    /** "publisher/number" to the times the group received it. */
    private final Map<String, Integer> received = new HashMap<>();

    private final Map<String, Integer> perMember = new TreeMap<>();
    private final List<MqttClient> members = new ArrayList<>();

    GroupTally(String group) {
        this.group = group;
    }

    /** Connects a member to the node and subscribes it to {@code $share/<group>/root/#} at QoS 1. */
    MqttClient join(String url, String clientId, boolean cleanSession) throws MqttException {
        MqttClient client = new MqttClient(url, clientId, new MemoryPersistence());
        client.setCallback(new Member(clientId));
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(cleanSession);
        options.setConnectionTimeout(10);
        options.setMaxInflight(1000);
        client.connect(options);
        client.subscribe("$share/" + group + "/root/#", 1);
        synchronized (received) {
            members.add(client);
            perMember.putIfAbsent(clientId, 0);
        }
        return client;
    }

    /** What each member received. */
    Map<String, Integer> perMember() {
        synchronized (received) {
            return new TreeMap<>(perMember);
        }
    }

    /**
     * Waits until the group received every message the publishers had acknowledged (60 s at most),
     * then asserts that none is missing and, if {@code exactlyOnce}, that none came twice.
     */
    void assertEveryAcknowledgedReceived(List<PacedPublisher> publishers, boolean exactlyOnce)
            throws InterruptedException {
        List<String> expected = new ArrayList<>();
        for (PacedPublisher publisher : publishers) {
            for (int number : publisher.acknowledgedNumbers()) {
                expected.add(publisher.id() + "/" + number);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (received) {
            while (!received.keySet().containsAll(expected) && System.nanoTime() < deadline) {
                received.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(received.keySet());
            assertEquals(
                    List.of(),
                    missing.subList(0, Math.min(20, missing.size())),
                    group + ": " + missing.size() + " acknowledged message(s) of " + expected.size()
                            + " never reached a member");
            if (exactlyOnce) {
                Map<String, Integer> twice = new TreeMap<>();
                received.forEach((message, times) -> {
                    if (times > 1) {
                        twice.put(message, times);
                    }
                });
                assertEquals(Map.of(), twice, group + ": messages received more than once");
            }
        }
        assertTrue(expected.size() > 0, "nothing was acknowledged");
    }

    @Override
    public void close() {
        for (MqttClient client : members) {
            try {
                if (client.isConnected()) {
                    client.disconnect(5000);
                }
                client.close(true);
            } catch (MqttException e) {
                // Its node may be gone.
            }
        }
    }

    private final class Member implements MqttCallback {
        private final String clientId;

        Member(String clientId) {
            this.clientId = clientId;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            String key =
                    topic.substring("root/".length()) + "/" + new String(message.getPayload(), StandardCharsets.UTF_8);
            synchronized (received) {
                received.merge(key, 1, Integer::sum);
                perMember.merge(clientId, 1, Integer::sum);
                received.notifyAll();
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            // The kill test loses members' nodes on purpose.
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // Members do not publish.
        }
    }
}
