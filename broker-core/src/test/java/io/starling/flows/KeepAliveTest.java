package io.starling.flows;

import static io.starling.testing.RawMqttClient.PINGRESP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keep alive: 1.5 x the interval of silence closes the connection; 0 disables it; PINGREQ gets PINGRESP. */
class KeepAliveTest {

    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedBroker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void silentConnectionIsClosedAfterOneAndAHalfKeepAlives() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port(), 6000)) {
            assertEquals(0, client.connect("silent", true, 1));
            long connected = System.nanoTime();
            assertTrue(client.isClosedByServer(), "not closed within 6 s with keep alive 1 s");
            long elapsedMillis = (System.nanoTime() - connected) / 1_000_000;
            assertTrue(elapsedMillis >= 1000, "closed after " + elapsedMillis + " ms, before 1 keep-alive had passed");
            assertTrue(elapsedMillis <= 4000, "closed only after " + elapsedMillis + " ms (expected about 1500)");
        }
    }

    @Test
    void pingreqGetsPingresp() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, client.connect("pinger", true, 60));
            client.send(RawMqttClient.pingreq());
            RawMqttClient.Packet pingresp = client.expect(PINGRESP);
            assertEquals(0, pingresp.flags());
            assertEquals(0, pingresp.body().length);
        }
    }

    @Test
    void pingsKeepAConnectionWithKeepAliveOneOpenPastOneAndAHalfSeconds() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, client.connect("pinger", true, 1));
            // 4 rounds of 600 ms: 2.4 s in all, well past 1.5 s, with never more than ~600 ms of silence.
            for (int round = 0; round < 4; round++) {
                client.send(RawMqttClient.pingreq());
                client.expect(PINGRESP);
                client.setReadTimeout(600);
                assertTrue(client.isSilent(), "connection closed in round " + round + " although the client pinged");
                client.setReadTimeout(5000);
            }
        }
    }

    @Test
    void keepAliveZeroDisablesTheTimeout() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, client.connect("forever", true, 0));
            // Bounded watch: 2.5 s of silence is past the 1.5 s a keep alive of 1 s allows; the
            // connection must still be open (read times out rather than reaching end of stream).
            client.setReadTimeout(2500);
            assertTrue(client.isSilent(), "connection with keep alive 0 was closed");
            client.setReadTimeout(5000);
            client.send(RawMqttClient.pingreq());
            client.expect(PINGRESP);
        }
    }
}
