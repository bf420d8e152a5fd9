package io.starling.distribution.fault;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * A publisher of numbered messages {@code p<index>-<seq>} to its own topic at a steady rate, one
 * at a time: message n+1 is sent only once message n was acknowledged (PUBACK, or PUBCOMP at
 * QoS 2), so the acknowledged messages are exactly 0..{@link #acknowledged()}-1 and the broker
 * must deliver them in that order.
 *
 * <p>Its session is persistent, so what was not acknowledged is resent by Paho itself on the
 * next connection with the same packet id (DUP): a QoS 2 message is then still exactly once,
 * which a clean-session resend (a new message to the broker) would not be. A message Paho never
 * stored (not connected at the time) is published again.
 */
final class FaultPublisher implements Runnable {

    /** A message not acknowledged within this time ends the publisher (reported; the check still runs). */
    private static final Duration GIVE_UP = Duration.ofMinutes(3);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    final int index;
    final String clientId;
    final String topic;
    final int qos;
    private final String balancerUrl;
    private final long intervalNanos;
    private final Stopper stopper;
    private final EventLog log;
    private final SessionPersistence persistence = new SessionPersistence((packetId, received) -> {});
    private final MqttClient client;
    private final AtomicReference<String> moveTo = new AtomicReference<>();
    private volatile int acknowledged;
    private volatile int attempted;
    private volatile boolean gaveUp;

    FaultPublisher(int index, int qos, int rate, String balancerUrl, Stopper stopper, EventLog log)
            throws MqttException {
        this.index = index;
        this.clientId = "fault-pub-" + index;
        this.topic = "fault/q" + qos + "/p" + index;
        this.qos = qos;
        this.balancerUrl = balancerUrl;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        this.stopper = stopper;
        this.log = log;
        this.client = new MqttClient(balancerUrl, clientId, persistence);
        client.setTimeToWait(15_000);
    }

    /** The first connection, through HAProxy. */
    void connect() throws MqttException {
        Connector.connectOnce(client, balancerUrl);
    }

    /** Messages 0..n-1 were acknowledged. */
    int acknowledged() {
        return acknowledged;
    }

    /** Messages 0..n-1 were sent at least once (the last may be unacknowledged). */
    int attempted() {
        return attempted;
    }

    /** Whether it stopped because a message stayed unacknowledged too long (an availability failure). */
    boolean gaveUp() {
        return gaveUp;
    }

    /** The next message goes out over a new connection straight to this node (a takeover across nodes). */
    void moveTo(String nodeUrl) {
        moveTo.set(nodeUrl);
    }

    @Override
    public void run() {
        try {
            long next = System.nanoTime();
            for (int seq = 0; !stopper.stopped(); seq++) {
                next = pace(next);
                String target = moveTo.getAndSet(null);
                if (target != null) {
                    move(target);
                }
                attempted = seq + 1;
                if (!publishUntilAcknowledged(new Payload(index, seq))) {
                    gaveUp = true;
                    log.note(clientId + " gave up on message " + seq + " (not acknowledged within " + GIVE_UP + ")");
                    return;
                }
                acknowledged = seq + 1;
            }
        } finally {
            Connector.closeQuietly(client);
        }
    }

    /** Waits for the message's slot at the steady rate; after a stall it goes on from now rather than bursting. */
    private long pace(long next) {
        long now = System.nanoTime();
        if (next > now) {
            LockSupport.parkNanos(next - now);
            return next + intervalNanos;
        }
        return now + intervalNanos;
    }

    private void move(String nodeUrl) {
        try {
            client.disconnect(1000);
        } catch (MqttException e) {
            // Broken already: the connect below is what matters.
        }
        try {
            Connector.connectOnce(client, nodeUrl);
        } catch (MqttException e) {
            // That node is down or frozen now: the publish below reconnects through HAProxy.
        }
    }

    private boolean publishUntilAcknowledged(Payload payload) {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        while (System.nanoTime() < deadline) {
            int storedBefore = persistence.sentStored();
            try {
                client.publish(topic, payload.bytes(), qos, false);
                return true;
            } catch (MqttException e) {
                if (persistence.sentStored() > storedBefore) {
                    return awaitResent(deadline);
                }
                // Never stored (not connected): publish it again after reconnecting.
                reconnect(deadline);
            }
        }
        return false;
    }

    /**
     * The message was stored by Paho and the exchange failed (connection lost, or no answer in
     * time): a fresh connection makes Paho send it again; acknowledged once Paho dropped it.
     */
    private boolean awaitResent(long deadline) {
        try {
            client.disconnectForcibly(0, 1000, false);
        } catch (MqttException e) {
            // Not connected any more: as wanted.
        }
        while (System.nanoTime() < deadline) {
            if (!persistence.hasUnacknowledged()) {
                return true;
            }
            if (!client.isConnected()) {
                reconnect(deadline);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
        return false;
    }

    private void reconnect(long deadline) {
        Connector.connect(client, balancerUrl, SocketFactory.getDefault(), deadline, () -> true);
    }
}
