package io.starling.protocol.mqtt5;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.starling.spi.MessageProperties;
import io.starling.spi.MessageProperties.UserProperty;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The application properties of a PUBLISH (or a will) between Netty's {@link MqttProperties}
 * and the broker's {@link MessageProperties}: what is forwarded to subscribers. Topic Alias
 * and Subscription Identifier belong to one hop, not to the message, and are not kept.
 */
public final class PublishProperties {

    private PublishProperties() {}

    /** What a received PUBLISH or will carries onward; {@link MessageProperties#NONE} when nothing. */
    public static MessageProperties read(MqttProperties properties) {
        MqttProperties.UserProperties users =
                (MqttProperties.UserProperties) properties.getProperty(PropertyId.USER_PROPERTY.id());
        Integer format = integer(properties, PropertyId.PAYLOAD_FORMAT_INDICATOR);
        Integer expiry = integer(properties, PropertyId.MESSAGE_EXPIRY_INTERVAL);
        String contentType = string(properties, PropertyId.CONTENT_TYPE);
        String responseTopic = string(properties, PropertyId.RESPONSE_TOPIC);
        MqttProperties.MqttProperty<?> correlation = properties.getProperty(PropertyId.CORRELATION_DATA.id());
        if (users == null
                && format == null
                && expiry == null
                && contentType == null
                && responseTopic == null
                && correlation == null) {
            return MessageProperties.NONE;
        }
        List<UserProperty> userProperties = new ArrayList<>();
        if (users != null) {
            for (MqttProperties.StringPair pair : users.value()) {
                userProperties.add(new UserProperty(pair.key, pair.value));
            }
        }
        return new MessageProperties(
                format == null ? -1 : format,
                expiry == null ? -1 : Integer.toUnsignedLong(expiry),
                contentType,
                responseTopic,
                correlation == null ? null : (byte[]) correlation.value(),
                userProperties);
    }

    /**
     * The properties of a PUBLISH forwarding a message: its own, with the Message Expiry Interval
     * lowered to {@code remainingSeconds} [MQTT-3.3.2-6], and the Subscription Identifiers of
     * the receiver's matching subscriptions [MQTT-3.3.4-3].
     */
    public static MqttProperties write(MessageProperties message, long remainingSeconds, int[] identifiers) {
        if (message == MessageProperties.NONE && identifiers.length == 0) {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties properties = new MqttProperties();
        for (int identifier : identifiers) {
            properties.add(new MqttProperties.IntegerProperty(PropertyId.SUBSCRIPTION_IDENTIFIER.id(), identifier));
        }
        if (message.payloadFormatIndicator() >= 0) {
            properties.add(new MqttProperties.IntegerProperty(
                    PropertyId.PAYLOAD_FORMAT_INDICATOR.id(), message.payloadFormatIndicator()));
        }
        if (message.hasExpiry()) {
            properties.add(new MqttProperties.IntegerProperty(
                    PropertyId.MESSAGE_EXPIRY_INTERVAL.id(), (int) remainingSeconds));
        }
        if (message.contentType() != null) {
            properties.add(new MqttProperties.StringProperty(PropertyId.CONTENT_TYPE.id(), message.contentType()));
        }
        if (message.responseTopic() != null) {
            properties.add(new MqttProperties.StringProperty(PropertyId.RESPONSE_TOPIC.id(), message.responseTopic()));
        }
        if (message.correlationData() != null) {
            properties.add(
                    new MqttProperties.BinaryProperty(PropertyId.CORRELATION_DATA.id(), message.correlationData()));
        }
        if (!message.userProperties().isEmpty()) {
            MqttProperties.UserProperties users = new MqttProperties.UserProperties();
            for (UserProperty user : message.userProperties()) {
                users.add(user.name(), user.value());
            }
            properties.add(users);
        }
        return properties;
    }

    /** Bytes these properties and Subscription Identifiers take in a PUBLISH, their length prefix included. */
    public static int encodedLength(MessageProperties message, int[] identifiers) {
        int length = 0;
        for (int identifier : identifiers) {
            length += 1 + VariableByteInteger.encodedLength(identifier);
        }
        if (message.payloadFormatIndicator() >= 0) {
            length += 2;
        }
        if (message.hasExpiry()) {
            length += 5;
        }
        length += stringLength(message.contentType()) + stringLength(message.responseTopic());
        if (message.correlationData() != null) {
            length += 3 + message.correlationData().length;
        }
        for (UserProperty user : message.userProperties()) {
            length += 1 + 2 + utf8Length(user.name()) + 2 + utf8Length(user.value());
        }
        return VariableByteInteger.encodedLength(length) + length;
    }

    /** An identifier byte, a two-byte length and the UTF-8 bytes; 0 for null. */
    private static int stringLength(String value) {
        return value == null ? 0 : 3 + utf8Length(value);
    }

    private static int utf8Length(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    private static Integer integer(MqttProperties properties, PropertyId id) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(id.id());
        return property == null ? null : (Integer) property.value();
    }

    private static String string(MqttProperties properties, PropertyId id) {
        MqttProperties.MqttProperty<?> property = properties.getProperty(id.id());
        return property == null ? null : (String) property.value();
    }
}
