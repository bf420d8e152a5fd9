package io.starling.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionRateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void allowsABurstOfTheRateThenRefillsAtTheRate() {
        ConnectionRateLimiter limiter = new ConnectionRateLimiter(3, now::get);
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertTrue(limiter.tryAcquire());
        assertFalse(limiter.tryAcquire(), "a burst of 3 at most");
        now.addAndGet(333_000_000L);
        assertFalse(limiter.tryAcquire(), "a third of a second refills 0.999 of a token");
        now.addAndGet(1_000_000L);
        assertTrue(limiter.tryAcquire(), "one connection per third of a second");
        now.addAndGet(60_000_000_000L);
        for (int i = 0; i < 3; i++) {
            assertTrue(limiter.tryAcquire(), "a long pause refills the burst, no more");
        }
        assertFalse(limiter.tryAcquire());
    }

    @Test
    void aListenerClosesConnectionsBeyondItsRate() throws Exception {
        // One connection per second: the second of two connections opened back to back is closed.
        try (EmbeddedBroker broker = EmbeddedBroker.start("listener.max-connections-per-second = 1");
                RawMqttClient first = new RawMqttClient(broker.port());
                RawMqttClient second = new RawMqttClient(broker.port())) {
            assertTrue(second.isClosedByServer(), "the second connection within a second is closed");
            first.send(RawMqttClient.connectPacket("first", true, 60));
            first.expect(RawMqttClient.CONNACK);
            assertEquals(1, broker.broker().counters().connectionsRateLimited(), "the refusal is counted");
        }
    }
}
