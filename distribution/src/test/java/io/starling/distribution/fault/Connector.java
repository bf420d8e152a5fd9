package io.starling.distribution.fault;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import javax.net.SocketFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;

/** How every client of the run (persistent sessions, all of them) connects and lets go of a connection. */
final class Connector {

    /**
     * Short, so that a client of a frozen node notices within about two keep-alives (Paho gives
     * up after one unanswered PINGREQ) and reconnects elsewhere.
     */
    private static final int KEEP_ALIVE_SECONDS = 5;

    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private Connector() {}

    /** One attempt to connect {@code client} (clean session 0) to {@code url}; returns the session-present flag. */
    static boolean connectOnce(MqttClient client, String url) throws MqttException {
        return connectOnce(client, url, SocketFactory.getDefault());
    }

    /** As {@link #connectOnce(MqttClient, String)}, over sockets from {@code sockets}. */
    static boolean connectOnce(MqttClient client, String url, SocketFactory sockets) throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(sockets);
        options.setCleanSession(false);
        options.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
        options.setConnectionTimeout(10);
        options.setServerURIs(new String[] {url});
        return client.connectWithResult(options).getSessionPresent();
    }

    /**
     * Connects, trying again (a node may be down, frozen or restarting) until {@code deadlineNanos};
     * returns the session-present flag, empty if it never connected. {@code keepTrying} is asked
     * before each attempt.
     */
    static Optional<Boolean> connect(
            MqttClient client, String url, SocketFactory sockets, long deadlineNanos, BooleanSupplier keepTrying) {
        while (keepTrying.getAsBoolean() && System.nanoTime() < deadlineNanos) {
            try {
                return Optional.of(connectOnce(client, url, sockets));
            } catch (MqttException e) {
                LockSupport.parkNanos(RETRY_NANOS);
            }
        }
        return Optional.empty();
    }

    /** Drops the connection without DISCONNECT (the broker sees it break) and frees the object. */
    static void closeQuietly(MqttClient client) {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
            client.close(true);
        } catch (MqttException e) {
            // Already broken: nothing to close.
        }
    }
}
