package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WillsTest {

    private final MapStandIn map = new MapStandIn();
    private final AtomicLong tokens = new AtomicLong();
    private final Wills wills = new Wills("node-a", tokens::incrementAndGet);

    private static StoredMessage will(String topic, boolean retain) {
        return new StoredMessage(1, topic, 1, retain, "gone".getBytes(StandardCharsets.UTF_8), 5);
    }

    @Test
    void aWillIsKeptUntilItsConnectionEnds() {
        wills.start(map.map);
        StoredMessage first = will("w/1", false);
        wills.registered("c", first);
        assertEquals(Set.of("c"), map.keys());
        assertEquals("w/1", Wills.will(map.data.get("c")).topic());

        wills.cleared("c", first, true);
        assertEquals(Set.of(), map.keys());
    }

    @Test
    void anOldConnectionsEndLeavesTheNewConnectionsWill() {
        wills.start(map.map);
        StoredMessage old = will("w/old", false);
        wills.registered("c", old);
        StoredMessage current = will("w/new", false);
        wills.registered("c", current);
        wills.cleared("c", old, true);
        assertEquals("w/new", Wills.will(map.data.get("c")).topic());
    }

    @Test
    void anEntryAnotherNodeWroteStaysWhenThisNodesConnectionEnds() {
        wills.start(map.map);
        StoredMessage here = will("w/here", false);
        wills.registered("c", here);
        // The client connected to node-b meanwhile, which wrote its own entry.
        map.data.put("c", Wills.value("node-b", 1, will("w/there", false)));
        wills.cleared("c", here, true);
        assertEquals("w/there", Wills.will(map.data.get("c")).topic());
    }

    @Test
    void theLostNodesWillsArePublishedOnceAsNewMessages() {
        wills.start(map.map);
        map.data.put("c1", Wills.value("lost", 3, will("w/1", true)));
        map.data.put("c2", Wills.value("lost", 4, will("w/2", false)));
        map.data.put("c3", Wills.value("alive", 5, will("w/3", false)));
        List<StoredMessage> published = new ArrayList<>();

        wills.publishWillsOf("lost", published::add);
        assertEquals(Set.of("c3"), map.keys(), "taken from the map");
        assertEquals(
                Set.of("w/1", "w/2"),
                Set.copyOf(published.stream().map(StoredMessage::topic).toList()));
        StoredMessage retained = published.stream()
                .filter(m -> m.topic().equals("w/1"))
                .findFirst()
                .orElseThrow();
        assertTrue(retained.retain(), "the retain flag is the will's");
        assertEquals(1, retained.qos());
        assertArrayEquals("gone".getBytes(StandardCharsets.UTF_8), retained.payload());
        assertNotEquals(published.get(0).id(), published.get(1).id());

        published.clear();
        wills.publishWillsOf("lost", published::add);
        assertEquals(List.of(), published, "each will at most once");
    }
}
