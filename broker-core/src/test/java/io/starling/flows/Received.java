package io.starling.flows;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/** What a Paho client received, in arrival order; also records when its connection was lost. */
final class Received implements MqttCallback {

    /** One application message as the client saw it. */
    record Msg(String topic, String payload, int qos, boolean retained, boolean dup) {}

    private final BlockingQueue<Msg> messages = new LinkedBlockingQueue<>();
    private volatile Throwable lost;

    @Override
    public void connectionLost(Throwable cause) {
        lost = cause == null ? new RuntimeException("connection lost") : cause;
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        messages.add(new Msg(
                topic,
                new String(message.getPayload(), StandardCharsets.UTF_8),
                message.getQos(),
                message.isRetained(),
                message.isDuplicate()));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}

    boolean connectionLost() {
        return lost != null;
    }

    /** The next message; fails if none arrives within 5 s. */
    Msg next() throws InterruptedException {
        return next(Await.DEFAULT);
    }

    Msg next(Duration timeout) throws InterruptedException {
        Msg msg = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(msg, "no message arrived within " + timeout.toMillis() + " ms");
        return msg;
    }

    /**
     * Every message before the first one on {@code markerTopic} (which is consumed too). A
     * marker published after the messages under test by the same publisher arrives after
     * them, so what came before it is everything that was going to arrive. Paho hands a
     * QoS 2 message to the application only when PUBREL arrives, so the marker must be
     * subscribed to and published at QoS 2 for it to come last also behind QoS 2 messages.
     */
    List<Msg> untilMarker(String markerTopic) throws InterruptedException {
        List<Msg> before = new ArrayList<>();
        while (true) {
            Msg msg = next();
            if (msg.topic().equals(markerTopic)) {
                return before;
            }
            before.add(msg);
        }
    }

    /** The payloads of every message before the marker. */
    List<String> payloadsUntilMarker(String markerTopic) throws InterruptedException {
        return untilMarker(markerTopic).stream().map(Msg::payload).toList();
    }

    /** The next message if one has arrived, else null. */
    Msg poll() {
        return messages.poll();
    }

    /** Adds the payloads of the messages arrived so far to {@code payloads}. */
    void drainPayloads(List<String> payloads) {
        for (Msg msg = messages.poll(); msg != null; msg = messages.poll()) {
            payloads.add(msg.payload());
        }
    }
}
