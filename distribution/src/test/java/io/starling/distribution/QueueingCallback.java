package io.starling.distribution;

import java.util.concurrent.BlockingQueue;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * A Paho callback for a client that only receives: every arriving message goes into the queue.
 * A lost connection needs no handling: the test's polls of the queue time out and fail it.
 */
final class QueueingCallback implements MqttCallback {

    private final BlockingQueue<MqttMessage> into;

    QueueingCallback(BlockingQueue<MqttMessage> into) {
        this.into = into;
    }

    @Override
    public void connectionLost(Throwable cause) {
        // See the class comment.
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        into.add(message);
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
        // Nothing is published.
    }
}
