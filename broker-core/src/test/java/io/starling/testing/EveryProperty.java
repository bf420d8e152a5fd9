package io.starling.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;

/**
 * A QoS 1 message (Paho's MQTT 5 client) with every property a publisher may give it, and the
 * check that a received one kept them all: for tests of what survives restarts and crosses
 * cluster nodes.
 */
public final class EveryProperty {

    /** A repeated name, not in alphabetical order: order and repeats are both kept [MQTT-3.3.2-18]. */
    public static final List<UserProperty> USER_PROPERTIES =
            List.of(new UserProperty("z", "first"), new UserProperty("a", "second"), new UserProperty("z", "third"));

    private static final byte[] CORRELATION_DATA = {1, 0, (byte) 0xFE};

    private EveryProperty() {}

    public static MqttMessage qos1(String payload) {
        MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
        message.setQos(1);
        return message;
    }

    public static MqttMessage message(String payload, long expirySeconds, boolean retain) {
        MqttMessage message = qos1(payload);
        message.setRetained(retain);
        MqttProperties properties = new MqttProperties();
        properties.setUserProperties(USER_PROPERTIES);
        properties.setContentType("text/plain");
        properties.setPayloadFormat(true);
        properties.setResponseTopic("replies/to");
        properties.setCorrelationData(CORRELATION_DATA);
        properties.setMessageExpiryInterval(expirySeconds);
        message.setProperties(properties);
        return message;
    }

    /** The payload and every property of {@link #message}; the Message Expiry as the time left, at most {@code expirySeconds}. */
    public static void assertKept(MqttMessage received, String payload, long expirySeconds) {
        assertEquals(payload, new String(received.getPayload(), StandardCharsets.UTF_8));
        MqttProperties properties = received.getProperties();
        assertEquals(USER_PROPERTIES, properties.getUserProperties(), "in order [MQTT-3.3.2-18]");
        assertEquals("text/plain", properties.getContentType());
        assertTrue(properties.getPayloadFormat());
        assertEquals("replies/to", properties.getResponseTopic());
        assertArrayEquals(CORRELATION_DATA, properties.getCorrelationData());
        long left = properties.getMessageExpiryInterval();
        assertTrue(left > 0 && left <= expirySeconds, "Message Expiry sent with the time left: " + left);
    }
}
