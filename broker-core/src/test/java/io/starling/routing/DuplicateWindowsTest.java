package io.starling.routing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.StoredMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateWindowsTest {

    private static StoredMessage message(long id, String topic) {
        return new StoredMessage(id, topic, 1, false, new byte[0], 0);
    }

    @Test
    void anOpenWindowLetsEachMessageThroughOnce() {
        DuplicateWindows windows = new DuplicateWindows();
        windows.open("watched");
        assertTrue(windows.firstDelivery("watched", message(1, "a")));
        assertFalse(windows.firstDelivery("watched", message(1, "a")), "the second copy");
        assertTrue(windows.firstDelivery("watched", message(1, "b")), "same id from another node, other topic");
        assertTrue(windows.firstDelivery("watched", message(2, "a")));
        assertTrue(windows.firstDelivery("other", message(1, "a")), "sessions without a window are not watched");
        assertTrue(windows.firstDelivery("other", message(1, "a")));
    }

    @Test
    void aClosedWindowForgetsWhatWentThrough() {
        DuplicateWindows windows = new DuplicateWindows();
        windows.open("watched");
        assertTrue(windows.firstDelivery("watched", message(1, "a")));
        windows.close(List.of("watched"));
        assertTrue(windows.firstDelivery("watched", message(1, "a")));
    }
}
