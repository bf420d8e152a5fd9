package io.starling.distribution.fault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * A subscriber with a persistent session (clean session 0) and its filters, subscribed once.
 * It reconnects through HAProxy whenever its connection breaks, and on the scheduler's word
 * takes its session over on a given node (a second client object connects there while the
 * broker still sees the first connected) or goes offline cleanly (DISCONNECT) and comes back through
 * HAProxy later. A slow one takes {@code ackDelay} per message before Paho acknowledges it, so
 * a backlog builds on the broker.
 *
 * <p>Connecting, taking over and going offline run on one control thread, so they never race
 * each other; the connection-lost callback of a client object that is not the current one (the
 * old object after a takeover) is ignored.
 */
final class FaultSubscriber implements AutoCloseable {

    /** How long a reconnection keeps trying (a rolling restart takes the longest). */
    private static final Duration RECONNECT = Duration.ofMinutes(4);

    /** How long a client object moving away may take to hand what it had read to the (slow) application. */
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    final String clientId;
    final Map<String, Integer> filters;
    final Inbox inbox = new Inbox();
    private final boolean slow;
    private volatile long ackDelayNanos;
    private final String balancerUrl;
    private final EventLog log;
    private final SessionPersistence persistence;
    private final ScheduledExecutorService control;
    private volatile MqttClient current;
    private CuttableSockets currentLink; // control thread only
    private final Map<MqttClient, Callback> callbacks = new ConcurrentHashMap<>();
    private boolean offline; // control thread only
    private volatile boolean closed;
    private ScheduledFuture<?> comeBack; // control thread only

    FaultSubscriber(
            String clientId, Map<String, Integer> filters, Duration ackDelay, String balancerUrl, EventLog log) {
        this.clientId = clientId;
        this.filters = Map.copyOf(filters);
        this.ackDelayNanos = ackDelay.toNanos();
        this.slow = ackDelayNanos > 0;
        this.balancerUrl = balancerUrl;
        this.log = log;
        this.persistence =
                new SessionPersistence((packetId, payload) -> inbox.qos2Received(Payload.parse(payload), packetId));
        this.control = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, clientId + "-control"));
    }

    boolean slow() {
        return slow;
    }

    /** Publishing has stopped: the slow application catches up at full speed (the wait for quiet stays short). */
    void catchUp() {
        ackDelayNanos = 0;
    }

    /** Connects through HAProxy and subscribes (SUBACK: every node knows the subscriptions). */
    void start() throws Exception {
        control.submit(() -> {
                    current = newClient(balancerUrl);
                    currentLink = new CuttableSockets();
                    Connector.connectOnce(current, balancerUrl, currentLink);
                    String[] topics = filters.keySet().toArray(String[]::new);
                    current.subscribe(
                            topics,
                            filters.values().stream()
                                    .mapToInt(Integer::intValue)
                                    .toArray());
                    return null;
                })
                .get(60, TimeUnit.SECONDS);
    }

    /**
     * The client moves to the node: its link to the current one is cut on its side only (the
     * broker still sees that connection open; see {@link CuttableSockets}), the old client object
     * hands what it had read to the application, and a new object connects straight to the node
     * and takes the session over. If that fails, the new object reconnects through HAProxy.
     */
    void takeOverAt(String nodeUrl, String nodeName) {
        control.execute(() -> {
            if (offline || closed) {
                return;
            }
            MqttClient old = current;
            CuttableSockets oldLink = currentLink;
            oldLink.cut();
            try {
                old.disconnect(DRAIN.toMillis());
            } catch (MqttException e) {
                // Its connection had broken already: nothing more to hand over.
            }
            // Paho's disconnect can return while the callback is still inside a delivery; the new
            // object must not read the persistence before that delivery has forgotten its message.
            callbacks.remove(old).awaitIdle(DRAIN);
            current = newClient(nodeUrl);
            currentLink = new CuttableSockets();
            try {
                if (!Connector.connectOnce(current, nodeUrl, currentLink)) {
                    log.note(clientId + ": session-present=0 on takeover at " + nodeName);
                }
            } catch (MqttException e) {
                log.note(clientId + ": takeover at " + nodeName + " failed (" + e.getMessage()
                        + "); reconnects through HAProxy");
                reconnect();
            } finally {
                oldLink.release();
                Connector.closeQuietly(old);
            }
        });
    }

    /** Issue 25: DISCONNECT (the session stays), back through HAProxy after {@code away}. */
    void goOffline(Duration away) {
        control.execute(() -> {
            if (offline || closed || !current.isConnected()) {
                return;
            }
            try {
                current.disconnect(1000);
            } catch (MqttException e) {
                // The connection broke meanwhile: offline all the same, and back as planned.
            }
            offline = true;
            comeBack = control.schedule(this::comeBack, away.toNanos(), TimeUnit.NANOSECONDS);
        });
    }

    /** At the end of the run: back now if offline, connected in any case; completes when it is. */
    Future<?> online() {
        return control.submit(() -> {
            if (comeBack != null && comeBack.cancel(false)) {
                comeBack();
            } else if (!current.isConnected()) {
                reconnect();
            }
        });
    }

    boolean isConnected() {
        MqttClient client = current;
        return client != null && client.isConnected();
    }

    private void comeBack() {
        offline = false;
        comeBack = null;
        reconnect();
    }

    private void reconnect() {
        long deadline = System.nanoTime() + RECONNECT.toNanos();
        Optional<Boolean> present = Connector.connect(current, balancerUrl, currentLink, deadline, () -> !closed);
        if (present.isEmpty()) {
            log.note(clientId + " could not reconnect through HAProxy within " + RECONNECT);
        } else if (!present.get()) {
            // Its subscriptions are gone with the session: every message from here on is lost to it.
            log.note(clientId + ": session-present=0 on reconnecting through HAProxy");
        }
    }

    private MqttClient newClient(String url) {
        try {
            MqttClient client = new MqttClient(url, clientId, persistence);
            client.setTimeToWait(15_000);
            // Acknowledged by the callback itself, so that it knows when Paho is done with a message.
            client.setManualAcks(true);
            Callback callback = new Callback(client);
            client.setCallback(callback);
            callbacks.put(client, callback);
            return client;
        } catch (MqttException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true; // also ends a reconnection in progress on the control thread
        try {
            control.submit(() -> {
                        Connector.closeQuietly(current);
                    })
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.note(clientId + " did not close cleanly: " + e);
        }
        control.shutdownNow();
    }

    /** One client object's callbacks: its arrivals count whatever object it is; its loss only while it is current. */
    private final class Callback implements MqttCallback {

        private final MqttClient client;
        /** Messages inside {@link #messageArrived}: handed to the application, Paho not yet done. */
        private final AtomicInteger handling = new AtomicInteger();

        Callback(MqttClient client) {
            this.client = client;
        }

        @Override
        public void connectionLost(Throwable cause) {
            control.execute(() -> {
                if (client == current && !offline && !closed) {
                    reconnect();
                }
            });
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            handling.incrementAndGet();
            try {
                inbox.arrived(Payload.parse(message.getPayload()), message.getQos(), message.getId());
                long delay = ackDelayNanos;
                if (delay > 0) {
                    // Acknowledged only after this: a slow application (load shaping, issue 25).
                    LockSupport.parkNanos(delay);
                }
                // Paho forgets a QoS 2 message here (its "r-" entry), then sends PUBCOMP.
                client.messageArrivedComplete(message.getId(), message.getQos());
            } catch (MqttException e) {
                // The connection is gone: the broker sends again what was not acknowledged.
            } finally {
                handling.decrementAndGet();
            }
        }

        /** Waits until no message is inside {@link #messageArrived} (Paho ended this object's deliveries). */
        void awaitIdle(Duration atMost) {
            long deadline = System.nanoTime() + atMost.toNanos();
            while (handling.get() > 0 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(POLL_NANOS);
            }
        }

        @Override
        public void deliveryComplete(IMqttDeliveryToken token) {
            // Subscribers publish nothing.
        }
    }
}
