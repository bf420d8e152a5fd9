package io.starling.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.spi.StoredMessage;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class RetainedIndexTest {

    private final RetainedIndex index = new RetainedIndex();

    private void retain(String topic) {
        index.put(new StoredMessage(1, topic, 0, true, new byte[] {1}, 0));
    }

    private TreeSet<String> match(String filter) {
        TreeSet<String> topics = new TreeSet<>();
        index.match(filter, message -> topics.add(message.topic()));
        return topics;
    }

    @Test
    void matchesFiltersAgainstRetainedTopics() {
        for (String topic : List.of("sport", "sport/tennis", "sport/tennis/p1", "/finance", "$SYS/uptime", "other")) {
            retain(topic);
        }
        assertEquals(new TreeSet<>(List.of("sport", "sport/tennis", "sport/tennis/p1")), match("sport/#"));
        assertEquals(new TreeSet<>(List.of("sport/tennis")), match("sport/+"));
        assertEquals(
                new TreeSet<>(List.of("sport", "sport/tennis", "sport/tennis/p1", "/finance", "other")), match("#"));
        assertEquals(new TreeSet<>(List.of("sport", "other")), match("+"));
        assertEquals(new TreeSet<>(List.of("/finance")), match("+/finance"));
        assertEquals(new TreeSet<>(List.of("$SYS/uptime")), match("$SYS/#"));
        assertEquals(new TreeSet<>(List.of("sport/tennis/p1")), match("sport/tennis/p1"));
    }

    @Test
    void replacingAndRemovingKeepTheCount() {
        retain("a/b");
        retain("a/b");
        retain("a/c");
        assertEquals(2, index.size());
        index.remove("a/b");
        index.remove("a/b");
        assertEquals(1, index.size());
        assertEquals(new TreeSet<>(List.of("a/c")), match("a/#"));
        index.remove("a/c");
        assertEquals(0, index.size());
        assertEquals(new TreeSet<>(), match("#"));
    }
}
