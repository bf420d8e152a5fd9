package io.starling.spi;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of {@link MessageProperties} that the stores and the cluster keep and send
 * with a message: no bytes at all for {@link MessageProperties#NONE} (so a message stored or
 * sent before MQTT 5 reads back as one without properties), else a byte saying which
 * properties follow, those properties, and the User Properties in order. Strings are UTF-8
 * with a four-byte length. The Message Expiry Interval is kept as given; with the message's
 * receipt timestamp it is an absolute deadline ({@link StoredMessage#isExpired}).
 */
public final class MessagePropertiesBytes {

    private static final int PAYLOAD_FORMAT = 1;
    private static final int EXPIRY = 2;
    private static final int CONTENT_TYPE = 4;
    private static final int RESPONSE_TOPIC = 8;
    private static final int CORRELATION_DATA = 16;

    private static final byte[] NONE = new byte[0];

    private MessagePropertiesBytes() {}

    public static byte[] encode(MessageProperties properties) {
        if (properties.equals(MessageProperties.NONE)) {
            return NONE;
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte((properties.payloadFormatIndicator() >= 0 ? PAYLOAD_FORMAT : 0)
                    | (properties.hasExpiry() ? EXPIRY : 0)
                    | (properties.contentType() != null ? CONTENT_TYPE : 0)
                    | (properties.responseTopic() != null ? RESPONSE_TOPIC : 0)
                    | (properties.correlationData() != null ? CORRELATION_DATA : 0));
            if (properties.payloadFormatIndicator() >= 0) {
                out.writeByte(properties.payloadFormatIndicator());
            }
            if (properties.hasExpiry()) {
                out.writeLong(properties.messageExpiryInterval());
            }
            if (properties.contentType() != null) {
                writeString(out, properties.contentType());
            }
            if (properties.responseTopic() != null) {
                writeString(out, properties.responseTopic());
            }
            if (properties.correlationData() != null) {
                writeBytes(out, properties.correlationData());
            }
            out.writeInt(properties.userProperties().size());
            for (MessageProperties.UserProperty property : properties.userProperties()) {
                writeString(out, property.name());
                writeString(out, property.value());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * About the length of {@link #encode}'s result, without encoding (characters taken for
     * bytes): for size estimates on the publish path.
     */
    public static int sizeOf(MessageProperties properties) {
        if (properties == MessageProperties.NONE) {
            return 0;
        }
        int size = 1 + 1 + 8 + 4;
        size += properties.contentType() == null
                ? 0
                : 4 + properties.contentType().length();
        size += properties.responseTopic() == null
                ? 0
                : 4 + properties.responseTopic().length();
        size += properties.correlationData() == null ? 0 : 4 + properties.correlationData().length;
        for (MessageProperties.UserProperty property : properties.userProperties()) {
            size += 8 + property.name().length() + property.value().length();
        }
        return size;
    }

    /** Reads what {@link #encode} wrote; no bytes are {@link MessageProperties#NONE}. */
    public static MessageProperties decode(byte[] bytes) {
        if (bytes.length == 0) {
            return MessageProperties.NONE;
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int present = in.get();
            int payloadFormat = (present & PAYLOAD_FORMAT) != 0 ? in.get() : -1;
            long expiry = (present & EXPIRY) != 0 ? in.getLong() : -1;
            String contentType = (present & CONTENT_TYPE) != 0 ? readString(in) : null;
            String responseTopic = (present & RESPONSE_TOPIC) != 0 ? readString(in) : null;
            byte[] correlationData = (present & CORRELATION_DATA) != 0 ? readBytes(in) : null;
            int count = in.getInt();
            List<MessageProperties.UserProperty> userProperties = new ArrayList<>(Math.min(count, 64));
            for (int i = 0; i < count; i++) {
                userProperties.add(new MessageProperties.UserProperty(readString(in), readString(in)));
            }
            return new MessageProperties(
                    payloadFormat, expiry, contentType, responseTopic, correlationData, userProperties);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "message properties cut short or damaged (" + bytes.length + " bytes)", e);
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        writeBytes(out, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    private static String readString(ByteBuffer in) {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("length " + length);
        }
        byte[] value = new byte[length];
        in.get(value);
        return value;
    }
}
