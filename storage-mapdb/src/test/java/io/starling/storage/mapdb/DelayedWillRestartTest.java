package io.starling.storage.mapdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.BrokerProcess;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.EveryProperty;
import io.starling.testing.Paho5Client;
import io.starling.testing.WallClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MQTT 5 will waiting for its Will Delay Interval outlives the broker (MapDB): one that fell
 * due while the broker was down (killed with -9) is published at the restart, once; one still
 * waiting at a clean restart is published when due, cancelled by a new connection to its
 * session, and published at once by a Clean Start connection (the session ended). A watcher
 * learns that a will was not sent from a later marker arriving first.
 */
class DelayedWillRestartTest {

    private static final long WAIT_MILLIS = MapDbBrokers.WAIT_MILLIS;
    private static final long HOUR = 3600;
    private static final String LOGS = "delayed-will-logs";

    @TempDir
    Path directory;

    @Test
    void aWillThatFellDueWhileTheBrokerWasKilledIsPublishedAtTheRestart() throws Exception {
        Path config = MapDbBrokerConfig.write(directory, "starling.storage.mapdb.durability = always");
        long delaySeconds = 2;
        BrokerProcess broker = MapDbBrokers.process(config);
        long dropped;
        try {
            try (Paho5Client watcher = new Paho5Client(broker.url(), "dw-watcher")) {
                assertFalse(watcher.connect(true, HOUR));
                watcher.subscribe("will/#", 1);
                watcher.disconnect();
            }
            int lines = broker.lineCount();
            try (Paho5Client willing = new Paho5Client(broker.url(), "dw-killed")) {
                willing.connect(Paho5Client.optionsWithDelayedWill(true, HOUR, "will/dw-killed", delaySeconds));
                willing.drop();
                dropped = System.currentTimeMillis();
            }
            broker.awaitLine("Client dw-killed closed its connection.", lines, WAIT_MILLIS);
            // Acknowledged once stored for the watcher: the writer stored the will queued before it.
            try (Paho5Client marker = new Paho5Client(broker.url(), "dw-marker")) {
                marker.connect(true, 0);
                marker.publish("will/before-kill", EveryProperty.qos1("stored"));
            }
            broker.kill();
            broker.awaitExit(WAIT_MILLIS);
            MapDbBrokers.saveLog(broker, LOGS, 1);
            WallClock.awaitPast(dropped + delaySeconds * 1000 + 1000);
            broker = MapDbBrokers.process(config);
            try (Paho5Client watcher = new Paho5Client(broker.url(), "dw-watcher");
                    Paho5Client marker = new Paho5Client(broker.url(), "dw-marker")) {
                assertTrue(watcher.connect(false, HOUR));
                assertEquals("will/before-kill", watcher.next().topic());
                Paho5Client.Received will = watcher.next();
                assertEquals("will/dw-killed", will.topic(), "published at the restart");
                assertEquals("will", will.text());
                marker.connect(true, 0);
                marker.publish("will/marker", EveryProperty.qos1("marker"));
                assertEquals("will/marker", watcher.next().topic(), "published once");
            }
        } finally {
            broker.terminate();
            broker.awaitExit(WAIT_MILLIS);
            MapDbBrokers.saveLog(broker, LOGS, 2);
        }
    }

    @Test
    void aWillWaitingAtACleanStopWaitsOnAfterTheRestart() throws Exception {
        long delaySeconds = 6;
        long stopped;
        List<Paho5Client> atTheStop = new ArrayList<>();
        try (EmbeddedBroker broker = MapDbBrokers.embedded(directory)) {
            try (Paho5Client watcher = new Paho5Client(broker.url(), "dw-watcher")) {
                assertFalse(watcher.connect(true, HOUR));
                watcher.subscribe("will/#", 1);
                watcher.disconnect();
            }
            // Connected at the stop: their connections end with the broker, their wills wait.
            // dw-fresh's delay is long: only the end of its session can publish it during the test.
            for (String clientId : List.of("dw-due", "dw-back", "dw-fresh")) {
                Paho5Client client = new Paho5Client(broker.url(), clientId);
                atTheStop.add(client);
                client.connect(Paho5Client.optionsWithDelayedWill(
                        true, HOUR, "will/" + clientId, clientId.equals("dw-fresh") ? HOUR : delaySeconds));
            }
        } finally {
            for (Paho5Client client : atTheStop) {
                client.close();
            }
        }
        stopped = System.currentTimeMillis();
        try (EmbeddedBroker broker = MapDbBrokers.embedded(directory);
                Paho5Client watcher = new Paho5Client(broker.url(), "dw-watcher");
                Paho5Client back = new Paho5Client(broker.url(), "dw-back");
                Paho5Client fresh = new Paho5Client(broker.url(), "dw-fresh");
                Paho5Client marker = new Paho5Client(broker.url(), "dw-marker")) {
            assertTrue(watcher.connect(false, HOUR));
            assertTrue(back.connect(false, HOUR), "the session continues: its will is cancelled [MQTT-3.1.3-9]");
            assertFalse(fresh.connect(true, HOUR), "Clean Start ends the session, which publishes its will");
            Set<String> wills = Set.of(watcher.next().topic(), watcher.next().topic());
            assertEquals(Set.of("will/dw-fresh", "will/dw-due"), wills);
            // Every short delay has passed by now (a second of margin for the broker's own reading).
            WallClock.awaitPast(stopped + delaySeconds * 1000 + 1000);
            marker.connect(true, 0);
            marker.publish("will/marker", EveryProperty.qos1("marker"));
            assertEquals("will/marker", watcher.next().topic(), "no will of the continued session, none twice");
            back.disconnect();
            fresh.disconnect();
        }
    }
}
