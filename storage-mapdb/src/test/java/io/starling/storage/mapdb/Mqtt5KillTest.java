package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.BrokerProcess;
import io.starling.testing.EveryProperty;
import io.starling.testing.Paho5Client;
import io.starling.testing.WallClock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 state survives {@code kill -9} of the broker (the real Main in its own JVM, MapDB with
 * durability always): a queued message keeps its properties, a queued message whose Message
 * Expiry passed while the broker was down is never delivered, a retained message keeps its
 * properties, a session whose Session Expiry passed while the broker was down is gone, one
 * whose client was connected when the broker died expires that long after the restart, and one
 * whose expiry is long is still there.
 */
class Mqtt5KillTest {

    private static final long WAIT_MILLIS = MapDbBrokers.WAIT_MILLIS;
    private static final long HOUR = 3600;
    /** Long enough to be acknowledged and stored before the kill, short enough to pass while the broker is down. */
    private static final long SHORT_SECONDS = 1;

    @TempDir
    Path directory;

    @Test
    void propertiesAndExpiriesSurviveKillDashNine() throws Exception {
        Path config = MapDbBrokerConfig.write(directory, "starling.storage.mapdb.durability = always");
        BrokerProcess broker = MapDbBrokers.process(config);
        long shortLivedSince;
        try {
            try (Paho5Client keeper = new Paho5Client(broker.url(), "m5-keeper");
                    Paho5Client shortLived = new Paho5Client(broker.url(), "m5-short")) {
                assertFalse(keeper.connect(true, HOUR));
                keeper.subscribe("m5/#", 1);
                keeper.disconnect();
                assertFalse(shortLived.connect(true, SHORT_SECONDS));
                shortLived.subscribe("m5/#", 1);
                shortLived.disconnect();
                shortLivedSince = System.currentTimeMillis();
            }
            long expiringSentAt;
            try (Paho5Client publisher = new Paho5Client(broker.url(), "m5-publisher")) {
                publisher.connect(true, 0);
                publisher.publish("m5/props", EveryProperty.message("with properties", HOUR, false));
                expiringSentAt = System.currentTimeMillis();
                publisher.publish("m5/expiring", EveryProperty.message("expires", SHORT_SECONDS, false));
                publisher.publish("m5/retained", EveryProperty.message("retained", HOUR, true));
            }
            // Connected when the broker dies: its session counts as offline from the restart.
            Paho5Client online = new Paho5Client(broker.url(), "m5-online");
            assertFalse(online.connect(true, SHORT_SECONDS));
            online.subscribe("m5/#", 1);
            broker.kill();
            broker.awaitExit(WAIT_MILLIS);
            online.close();
            MapDbBrokers.saveLog(broker, "mqtt5-kill-logs", 1);
            // The broker is down until both short expiries have passed (the broker's clock started
            // them a little after these readings, a second of margin covers that).
            WallClock.awaitPast(Math.max(shortLivedSince, expiringSentAt) + SHORT_SECONDS * 1000 + 1000);
            broker = MapDbBrokers.process(config);
            long restarted = System.currentTimeMillis();

            try (Paho5Client keeper = new Paho5Client(broker.url(), "m5-keeper");
                    Paho5Client shortLived = new Paho5Client(broker.url(), "m5-short")) {
                assertTrue(keeper.connect(false, HOUR), "the long session survived");
                Paho5Client.Received queued = keeper.next();
                assertEquals("m5/props", queued.topic());
                EveryProperty.assertKept(queued.message(), "with properties", HOUR);
                // The expired message was queued between these two: the queue goes out in order.
                Paho5Client.Received next = keeper.next();
                assertEquals("m5/retained", next.topic(), "[MQTT-3.3.2-5] the expired message is not sent");
                EveryProperty.assertKept(next.message(), "retained", HOUR);
                assertFalse(shortLived.connect(false, HOUR), "the short session expired while the broker was down");
            }
            WallClock.awaitPast(restarted + SHORT_SECONDS * 1000 + 1000);
            try (Paho5Client reconnected = new Paho5Client(broker.url(), "m5-online")) {
                assertFalse(
                        reconnected.connect(false, HOUR),
                        "the session connected at the kill expired after the restart");
            }
            try (Paho5Client late = new Paho5Client(broker.url(), "m5-late")) {
                late.connect(true, 0);
                late.subscribe("m5/retained", 1);
                Paho5Client.Received retained = late.next();
                assertTrue(retained.message().isRetained());
                EveryProperty.assertKept(retained.message(), "retained", HOUR);
            }
        } finally {
            broker.terminate();
            broker.awaitExit(WAIT_MILLIS);
            MapDbBrokers.saveLog(broker, "mqtt5-kill-logs", 2);
        }
    }
}
