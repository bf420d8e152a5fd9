package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EveryProperty;
import io.starling.testing.Paho5Client;
import java.nio.file.Path;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 messages a killed node had stored for an offline session, handed over from its store
 * when it starts again to the node where the session continued (two JVMs, MapDB): the message
 * published with RETAIN 1 keeps the flag for the Retain As Published subscription
 * [MQTT-3.3.1-12], the other gets RETAIN 0 [MQTT-3.3.1-13].
 */
class Mqtt5HandBackTest {

    private static final long HOUR = 3600;

    @TempDir
    Path dir;

    @Test
    void storedMessagesHandedBackKeepRetainAsPublished() throws Exception {
        try (ClusterProcesses cluster = ClusterProcesses.startWithMapDb(dir, 2)) {
            ClusterProcesses.Node a = cluster.node(0);
            ClusterProcesses.Node b = cluster.node(1);
            try (Paho5Client subscriber = new Paho5Client(a.url(), "hb-sub")) {
                assertFalse(subscriber.connect(true, HOUR));
                MqttSubscription kept = new MqttSubscription("hb/kept", 1);
                kept.setRetainAsPublished(true);
                subscriber.subscribe(kept, new MqttProperties());
                subscriber.subscribe("hb/plain", 1);
                subscriber.disconnect();
            }
            try (Paho5Client publisher = new Paho5Client(b.url(), "hb-pub")) {
                publisher.connect(true, 0);
                // Acknowledged once A stored them for the offline session.
                publisher.publish("hb/kept", EveryProperty.message("kept", HOUR, true));
                publisher.publish("hb/plain", EveryProperty.message("plain", HOUR, true));
            }
            int fromB = b.process.lineCount();
            a.process.kill();
            b.process.awaitLine("left; its routes lead", fromB, 30_000);

            try (Paho5Client subscriber = new Paho5Client(b.url(), "hb-sub")) {
                assertTrue(subscriber.connect(false, HOUR), "the session continues on B");
                cluster.launch(a);
                a.mqttPort = a.process.awaitPort(90_000);
                Paho5Client.Received first = subscriber.next();
                assertEquals("hb/kept", first.topic(), "handed back from A's store");
                assertTrue(first.message().isRetained(), "Retain As Published [MQTT-3.3.1-12]");
                EveryProperty.assertKept(first.message(), "kept", HOUR);
                Paho5Client.Received second = subscriber.next();
                assertEquals("hb/plain", second.topic());
                assertFalse(second.message().isRetained(), "[MQTT-3.3.1-13]");
                subscriber.disconnect();
            }
        }
    }
}
