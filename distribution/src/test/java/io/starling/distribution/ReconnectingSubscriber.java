package io.starling.distribution;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A subscriber with a persistent session that reconnects through the balancer whenever its
 * connection is lost, counting every message it receives and noting the session-present flag
 * of each reconnection.
 */
final class ReconnectingSubscriber implements MqttCallback, AutoCloseable {

    final String clientId;
    private final MqttClient client;
    private final MqttConnectOptions options = new MqttConnectOptions();
    private final ExecutorService reconnector = Executors.newSingleThreadExecutor();
    private volatile boolean closed;
    /** Payload to how many times it arrived. */
    final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();
    /** The session-present flag of every reconnection. */
    final List<Boolean> sessionPresentOnReconnect = new CopyOnWriteArrayList<>();

    /** Connects to {@code firstUrl} (a chosen node), subscribes, and later reconnects to {@code balancerUrl}. */
    ReconnectingSubscriber(String firstUrl, String balancerUrl, String clientId, String filter) throws MqttException {
        this.clientId = clientId;
        options.setCleanSession(false);
        options.setConnectionTimeout(10);
        options.setServerURIs(new String[] {balancerUrl});
        client = new MqttClient(firstUrl, clientId, new MemoryPersistence());
        client.setTimeToWait(15_000);
        client.setCallback(this);
        MqttConnectOptions first = new MqttConnectOptions();
        first.setCleanSession(false);
        first.setConnectionTimeout(10);
        client.connect(first);
        client.subscribe(filter, 2);
    }

    int count(String payload) {
        AtomicInteger count = received.get(payload);
        return count == null ? 0 : count.get();
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        received.computeIfAbsent(new String(message.getPayload(), UTF_8), key -> new AtomicInteger())
                .incrementAndGet();
    }

    @Override
    public void connectionLost(Throwable cause) {
        reconnector.execute(this::reconnect);
    }

    private void reconnect() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!closed && System.nanoTime() < deadline) {
            try {
                boolean sessionPresent = client.connectWithResult(options).getSessionPresent();
                sessionPresentOnReconnect.add(sessionPresent);
                return;
            } catch (MqttException e) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // Subscribers publish nothing.
    }

    @Override
    public void close() throws MqttException, InterruptedException {
        closed = true;
        reconnector.shutdownNow();
        reconnector.awaitTermination(10, TimeUnit.SECONDS);
        if (client.isConnected()) {
            client.disconnectForcibly(0, 1000);
        }
        client.close(true);
    }
}
