package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.MessageProperties;
import io.starling.spi.SessionExpiry;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import io.starling.spi.SubscriptionOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The frame around cluster messages: versioned, and open to fields a later release appends. */
class WireTest {

    @Test
    void aFrameStartsWithTheVersion() {
        byte[] bytes = Wire.encode(new Wire.Frame("n", 0, List.of(new ClusterMessage.Hello())));
        assertEquals(Wire.VERSION, bytes[0]);
    }

    @Test
    void aFrameOfAnotherVersionIsRefusedNamingBothVersions() {
        byte[] bytes = Wire.encode(new Wire.Frame("n", 0, List.of(new ClusterMessage.Hello())));
        bytes[0] = (byte) (Wire.VERSION + 1);
        UncheckedIOException refused = assertThrows(UncheckedIOException.class, () -> Wire.decode(bytes));
        assertEquals(
                "frame version " + (Wire.VERSION + 1) + ", this node speaks " + Wire.VERSION,
                refused.getCause().getMessage());
    }

    @Test
    void fieldsANewerNodeAppendedToAMessageAreSkipped() throws IOException {
        Raw raw = new Raw("newer", 5, 2);
        raw.message(ClusterMessage.Type.ROUTE_ADDED.code, body -> {
            Wire.writeString(body, "a/b");
            body.writeLong(123); // a field this release does not know
        });
        raw.message(ClusterMessage.Type.SYNC.code, body -> body.writeUTF("also unknown"));
        Wire.Frame frame = Wire.decode(raw.bytes());
        assertEquals(List.of(new ClusterMessage.RouteAdded("a/b"), new ClusterMessage.Sync()), frame.messages());
        assertEquals("newer", frame.source());
        assertEquals(5, frame.batchId());
    }

    @Test
    void fieldsANewerNodeAppendedToAStoredMessageAreSkipped() throws IOException {
        Raw raw = new Raw("newer", 0, 1);
        raw.message(ClusterMessage.Type.FORWARD_LOST.code, body -> {
            Wire.writeString(body, "lost");
            ByteArrayOutputStream fields = new ByteArrayOutputStream();
            DataOutputStream message = new DataOutputStream(fields);
            message.writeLong(9);
            Wire.writeString(message, "t/1");
            message.writeByte(1);
            message.writeBoolean(false);
            message.writeInt(2);
            message.write(new byte[] {4, 2});
            message.writeLong(77);
            message.writeInt(0);
            message.writeUTF("a field of a later release");
            body.writeInt(fields.size());
            fields.writeTo(body);
            body.writeBoolean(true);
        });
        ClusterMessage.ForwardLost read =
                (ClusterMessage.ForwardLost) Wire.decode(raw.bytes()).messages().get(0);
        assertEquals("lost", read.lostNode());
        assertEquals(9, read.message().id());
        assertEquals("t/1", read.message().topic());
        assertEquals(1, read.message().qos());
        assertEquals("[4, 2]", Arrays.toString(read.message().payload()));
        assertEquals(77, read.message().timestamp());
        assertTrue(read.inDoubt(), "the field after the message is read from its own place");
    }

    @Test
    void anUnknownMessageTypeIsRefusedNamingIt() throws IOException {
        Raw raw = new Raw("n", 0, 1);
        raw.message((byte) 99, body -> {});
        UncheckedIOException refused = assertThrows(UncheckedIOException.class, () -> Wire.decode(raw.bytes()));
        assertEquals("unknown cluster message type 99", refused.getCause().getMessage());
    }

    @Test
    void aTruncatedFrameIsRefused() {
        byte[] whole = Wire.encode(new Wire.Frame("n", 0, List.of(new ClusterMessage.RouteAdded("a/b/c"))));
        for (int length = 1; length < whole.length; length++) {
            byte[] cut = Arrays.copyOf(whole, length);
            assertThrows(UncheckedIOException.class, () -> Wire.decode(cut), "cut at " + length);
        }
    }

    @Test
    void aStoredMessageAloneReadsBackAsWritten() {
        StoredMessage will = new StoredMessage(3, "wills/ä", 1, true, "bye".getBytes(StandardCharsets.UTF_8), 5);
        ClusterMessageTest.assertSameValue(will, Wire.decodeMessage(Wire.encodeMessage(will)), "will");
    }

    @Test
    void aStoredMessageKeepsItsMqtt5Properties() {
        MessageProperties properties = new MessageProperties(
                0,
                90,
                "text/plain",
                "replies",
                new byte[] {1, 2},
                List.of(new MessageProperties.UserProperty("z", "1"), new MessageProperties.UserProperty("a", "2")));
        StoredMessage message = new StoredMessage(3, "t", 1, true, new byte[] {5}, 5, properties);
        MessageProperties read = Wire.decodeMessage(Wire.encodeMessage(message)).properties();
        assertEquals(properties.payloadFormatIndicator(), read.payloadFormatIndicator());
        assertEquals(properties.messageExpiryInterval(), read.messageExpiryInterval());
        assertEquals(properties.contentType(), read.contentType());
        assertEquals(properties.responseTopic(), read.responseTopic());
        assertEquals("[1, 2]", Arrays.toString(read.correlationData()));
        assertEquals(properties.userProperties(), read.userProperties());
        assertEquals(
                MessageProperties.NONE,
                Wire.decodeMessage(Wire.encodeMessage(new StoredMessage(4, "t", 0, false, new byte[0], 5)))
                        .properties());
    }

    @Test
    void aSessionSnapshotKeepsItsExpiry() throws IOException {
        SessionExpiry expiry = new SessionExpiry(120, 1_700_000_000_000L);
        SessionSnapshot snapshot = new SessionSnapshot("c1", Map.of("a", 1), List.of(), Set.of(), 42, expiry);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Wire.writeSnapshot(new DataOutputStream(bytes), snapshot);
        SessionSnapshot read = Wire.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(expiry, read.expiry());
        assertEquals(42, read.packetIdsFrom());
    }

    @Test
    void aSessionSnapshotKeepsSubscriptionOptionsAndIdentifiers() throws IOException {
        Map<String, Integer> subscriptions = Map.of(
                "a", 1,
                "b/+", SubscriptionOptions.of(2, true, true, SubscriptionOptions.MAX_IDENTIFIER),
                "c/#", SubscriptionOptions.of(0, false, false, 300));
        SessionSnapshot snapshot = new SessionSnapshot("c1", subscriptions, List.of(), Set.of(7), 42);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Wire.writeSnapshot(new DataOutputStream(bytes), snapshot);
        SessionSnapshot read = Wire.readSnapshot(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(subscriptions, read.subscriptions());
        assertEquals(Set.of(7), read.inboundQos2());
    }

    @Test
    void aStoredMessageOfAnotherVersionIsRefused() {
        byte[] bytes = Wire.encodeMessage(new StoredMessage(3, "t", 0, false, new byte[0], 5));
        bytes[0] = 1;
        assertThrows(UncheckedIOException.class, () -> Wire.decodeMessage(bytes));
    }

    /** A frame written field by field, as a node of another release might. */
    private static final class Raw {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Raw(String source, long batchId, int count) throws IOException {
            out.writeByte(Wire.VERSION);
            out.writeUTF(source);
            out.writeLong(batchId);
            out.writeInt(count);
        }

        void message(byte type, Body body) throws IOException {
            ByteArrayOutputStream fields = new ByteArrayOutputStream();
            body.write(new DataOutputStream(fields));
            out.writeByte(type);
            out.writeInt(fields.size());
            fields.writeTo(out);
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }
    }

    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }
}
