package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every cluster message survives its encoding: what one node writes, the other reads back. */
class ClusterMessageTest {

    static final StoredMessage MESSAGE = new StoredMessage(
            42, "sensors/ü/1", 2, true, "payload".getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L);
    static final StoredMessage EMPTY = new StoredMessage(7, "t", 0, false, new byte[0], 0);
    static final SessionSnapshot SESSION = new SessionSnapshot(
            "client-1",
            new LinkedHashMap<>(Map.of("a/#", 1, "b/+", 2)),
            List.of(new QueuedMessage(MESSAGE, 1, 17, false), new QueuedMessage(EMPTY, 2, 65535, true)),
            Set.of(3, 9),
            1234);

    /** One of each message type, with fields that differ from their defaults. */
    static List<ClusterMessage> oneOfEach() {
        return List.of(
                new ClusterMessage.Hello(),
                new ClusterMessage.RouteAdded("a/+/b"),
                new ClusterMessage.RouteRemoved("a/#"),
                new ClusterMessage.Routes(Set.of("x", "y/#", ""), Map.of("$share/g/a/#", 2, "$share/h/b", 0)),
                new ClusterMessage.Forward(MESSAGE),
                new ClusterMessage.Retained(EMPTY),
                new ClusterMessage.Release(5, "client-1", 99, true),
                new ClusterMessage.Released(6, SESSION, "lost-node", Set.of("k1", "k2")),
                new ClusterMessage.Ack(Long.MAX_VALUE, true, Set.of(0, 3)),
                new ClusterMessage.RetainedSyncRequest(8),
                new ClusterMessage.RetainedSync(MESSAGE),
                new ClusterMessage.RetainedSyncDone(9, true),
                new ClusterMessage.HandBack(SESSION),
                new ClusterMessage.ForwardLost("lost-node", MESSAGE, true),
                new ClusterMessage.DeliverTo(Set.of("c1", "c2"), MESSAGE, true),
                new ClusterMessage.Adopted("lost-node"),
                new ClusterMessage.Settled("lost-node"),
                new ClusterMessage.Placed("lost-node", Set.of("c1"), true),
                new ClusterMessage.Sync(),
                new ClusterMessage.MovedMessage("client-1", MESSAGE),
                new ClusterMessage.MoveRouted("client-1"),
                new ClusterMessage.MoveDone("client-1"),
                new ClusterMessage.TakeOver("client-1"),
                new ClusterMessage.QueuePart("client-1", SESSION.messages(), true),
                new ClusterMessage.SharedGroup("$share/g/a/#", 3),
                new ClusterMessage.SharedForward("$share/g/a/#", "publisher-1", MESSAGE),
                new ClusterMessage.SharedDone("$share/g/a/#", 42));
    }

    @Test
    void theSamplesCoverEveryMessageTypeEachWithItsOwnCode() {
        Set<Class<?>> sampled = oneOfEach().stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(Set.of(ClusterMessage.class.getPermittedSubclasses()), sampled);
        Set<Byte> codes = oneOfEach().stream()
                .map(message -> ClusterMessage.Type.of(message).code)
                .collect(Collectors.toSet());
        assertEquals(oneOfEach().size(), codes.size(), "type codes are unique");
        assertEquals(oneOfEach().size(), ClusterMessage.Type.values().length);
    }

    @Test
    void everyMessageReadsBackAsWritten() {
        for (ClusterMessage message : oneOfEach()) {
            Wire.Frame frame = Wire.decode(Wire.encode(new Wire.Frame("node-a", 3, List.of(message))));
            assertEquals(1, frame.messages().size());
            assertSameValue(message, frame.messages().get(0), message.getClass().getSimpleName());
        }
    }

    @Test
    void optionalFieldsReadBackAsAbsent() {
        ClusterMessage.Released none = new ClusterMessage.Released(1, null, null, Set.of());
        assertSameValue(none, roundTrip(none), "Released without session");
        ClusterMessage.Ack failed = new ClusterMessage.Ack(2, false);
        assertSameValue(failed, roundTrip(failed), "failed Ack");
    }

    @Test
    void aBatchKeepsItsMessagesInOrder() {
        List<ClusterMessage> all = oneOfEach();
        Wire.Frame frame = Wire.decode(Wire.encode(new Wire.Frame("node-a", 77, all)));
        assertEquals("node-a", frame.source());
        assertEquals(77, frame.batchId());
        assertSameValue(all, frame.messages(), "batch");
    }

    @Test
    void aMessageCarryingAStoredMessageIsSizedByItsPayload() {
        byte[] large = new byte[10_000];
        ClusterMessage forward = new ClusterMessage.Forward(new StoredMessage(1, "t", 1, false, large, 0));
        assertTrue(forward.size() > large.length);
        assertTrue(new ClusterMessage.Hello().size() < large.length);
    }

    private static ClusterMessage roundTrip(ClusterMessage message) {
        return Wire.decode(Wire.encode(new Wire.Frame("n", 0, List.of(message))))
                .messages()
                .get(0);
    }

    /** Equality by value, byte arrays included (records compare arrays by identity). */
    static void assertSameValue(Object expected, Object actual, String where) {
        if (expected instanceof byte[] bytes) {
            assertArrayEquals(bytes, (byte[]) actual, where);
        } else if (expected instanceof Record record) {
            assertEquals(expected.getClass(), actual.getClass(), where);
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                assertSameValue(
                        value(component, expected), value(component, actual), where + "." + component.getName());
            }
        } else if (expected instanceof Map<?, ?> map) {
            assertEquals(map, actual, where);
        } else if (expected instanceof Set<?> set) {
            assertEquals(set, new HashSet<>((Collection<?>) actual), where);
        } else if (expected instanceof List<?> list) {
            assertEquals(list.size(), ((List<?>) actual).size(), where + " size");
            Iterator<?> actualItems = ((List<?>) actual).iterator();
            for (Object item : list) {
                assertSameValue(item, actualItems.next(), where + "[]");
            }
        } else {
            assertEquals(expected, actual, where);
        }
    }

    private static Object value(RecordComponent component, Object record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
