package io.starling.spi;

import java.util.List;
import java.util.Objects;

/**
 * The MQTT 5 properties a message carries from its publisher to its subscribers (MQTT 5.0
 * section 3.3.2.3): forwarded unchanged to MQTT 5 subscribers, left out for 3.1/3.1.1 ones.
 * {@link #NONE} for a message without any (every MQTT 3.1/3.1.1 message).
 *
 * @param payloadFormatIndicator 0 (bytes) or 1 (UTF-8), -1 when not given
 * @param messageExpiryInterval  seconds the message lives from its receipt, -1 for no expiry
 * @param contentType            or null
 * @param responseTopic          or null
 * @param correlationData        or null; never modified
 * @param userProperties         in the order the publisher sent them
 */
public record MessageProperties(
        int payloadFormatIndicator,
        long messageExpiryInterval,
        String contentType,
        String responseTopic,
        byte[] correlationData,
        List<UserProperty> userProperties) {

    public static final MessageProperties NONE = new MessageProperties(-1, -1, null, null, null, List.of());

    /** One User Property; a name may repeat. */
    public record UserProperty(String name, String value) {
        public UserProperty {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public MessageProperties {
        userProperties = List.copyOf(userProperties);
    }

    public boolean hasExpiry() {
        return messageExpiryInterval >= 0;
    }

    /**
     * Whole seconds left of the message's life at {@code nowMillis}, for a message received at
     * {@code receivedMillis}; 0 or less: expired. Only for a message {@link #hasExpiry()}.
     */
    public long remainingSeconds(long receivedMillis, long nowMillis) {
        return messageExpiryInterval - Math.max(0, nowMillis - receivedMillis) / 1000;
    }
}
