package io.starling.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.BrokerProcess;
import io.starling.testing.ConnectionFlood;
import io.starling.testing.RawMqttClient;
import io.starling.testing.ScrapedMetrics;
import io.starling.testing.TestProcess;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * 10,000 connections at once against the real Main in its own JVM (each side needs about
 * 10,000 file descriptors), and the broker's heap with 10,000 idle connections and 10,000
 * offline persistent sessions.
 */
class ConnectionFloodTest {

    private static final int CLIENTS = 10_000;
    private static final Map<String, String> LOOPBACK = Map.of(
            "STARLING_LISTENER_HOST",
            "127.0.0.1",
            "STARLING_LISTENER_PORT",
            "0",
            "STARLING_HTTP_HOST",
            "127.0.0.1",
            "STARLING_HTTP_PORT",
            "0",
            "STARLING_SYS_INTERVAL",
            "0");
    private static final byte[] CONNACK_ACCEPTED = {0x20, 0x02, 0x00, 0x00};
    private static final Duration FLOOD_TIMEOUT = Duration.ofMinutes(2);
    /** Documented in docs/OPERATIONS.md: heap per idle connection and per offline session with one subscription. */
    private static final long BOUND_PER_CONNECTION = 3 * 1024;

    private static final long BOUND_PER_SESSION = 1280;

    private static byte[] connect(String clientId, boolean clean) {
        return RawMqttClient.connectPacket(clientId, clean, 0);
    }

    /** Keep alive 60 s, as most client libraries ask by default: the measured state includes the keep-alive check. */
    private static byte[] connectWithKeepAlive(String clientId) {
        return RawMqttClient.connectPacket(clientId, true, 60);
    }

    @Test
    void tenThousandConcurrentConnectionsAllGetConnackAndRoundTripsStillWork() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(List.of(), LOOPBACK);
                ConnectionFlood flood = new ConnectionFlood()) {
            int port = broker.awaitPort(60_000);
            int httpPort = broker.awaitHttpPort(60_000);
            flood.open(port, CLIENTS, 1000, i -> connect("flood-" + i, true), CONNACK_ACCEPTED, true, FLOOD_TIMEOUT);
            assertEquals(CLIENTS, flood.openCount());
            awaitMetric(httpPort, "starling_connections", CLIENTS);
            try (RawMqttClient client = new RawMqttClient(port)) {
                assertEquals(0, client.connect("round-trip", true, 0));
                client.send(RawMqttClient.subscribePacket(1, "echo", 1));
                client.expect(RawMqttClient.SUBACK);
                client.send(RawMqttClient.publishPacket("echo", 1, 2, "still here"));
                boolean puback = false;
                boolean delivered = false;
                while (!puback || !delivered) {
                    RawMqttClient.Packet packet = client.read();
                    puback |= packet.type() == RawMqttClient.PUBACK;
                    delivered |= packet.type() == RawMqttClient.PUBLISH;
                }
            }
            assertTrue(broker.isAlive());
        }
    }

    @Test
    void heapPerIdleConnectionAndPerOfflineSessionStaysWithinTheDocumentedBound() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(List.of(), LOOPBACK);
                ConnectionFlood sessions = new ConnectionFlood();
                ConnectionFlood idle = new ConnectionFlood()) {
            int port = broker.awaitPort(60_000);
            int httpPort = broker.awaitHttpPort(60_000);
            long baseline = heapAfterGc(broker, httpPort);

            // Persistent sessions with one subscription each, then offline.
            byte[] suback = {(byte) 0x90, 0x03, 0x00, 0x01, 0x01};
            sessions.open(
                    port,
                    CLIENTS,
                    1000,
                    i -> concat(
                            connect("session-" + i, false),
                            RawMqttClient.subscribePacket(1, "devices/" + i + "/commands", 1)),
                    concat(CONNACK_ACCEPTED, suback),
                    false,
                    FLOOD_TIMEOUT);
            awaitMetric(httpPort, "starling_connections", 0);
            assertEquals(CLIENTS, ScrapedMetrics.scrape(httpPort).value("starling_sessions"));
            long withSessions = heapAfterGc(broker, httpPort);

            idle.open(
                    port, CLIENTS, 1000, i -> connectWithKeepAlive("idle-" + i), CONNACK_ACCEPTED, true, FLOOD_TIMEOUT);
            // Also the point where the broker has finished setting up every connection it measures.
            awaitMetric(httpPort, "starling_connections", CLIENTS);
            long withConnections = heapAfterGc(broker, httpPort);

            long perSession = (withSessions - baseline) / CLIENTS;
            long perConnection = (withConnections - withSessions) / CLIENTS;
            System.out.printf(
                    "heap after GC: baseline %d KiB, +%d offline sessions %d KiB (%d bytes each), "
                            + "+%d idle connections %d KiB (%d bytes each)%n",
                    baseline >> 10,
                    CLIENTS,
                    withSessions >> 10,
                    perSession,
                    CLIENTS,
                    withConnections >> 10,
                    perConnection);
            assertTrue(perSession <= BOUND_PER_SESSION, "heap per offline session: " + perSession);
            assertTrue(perConnection <= BOUND_PER_CONNECTION, "heap per idle connection: " + perConnection);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(first);
        out.writeBytes(second);
        return out.toByteArray();
    }

    /** Heap in use right after a full GC of the broker (jcmd GC.run), from its own /metrics. */
    private static long heapAfterGc(BrokerProcess broker, int httpPort) throws Exception {
        String jcmd = System.getProperty("java.home") + File.separator + "bin" + File.separator + "jcmd";
        try (TestProcess gc = TestProcess.start(
                List.of(jcmd, Long.toString(broker.pid()), "GC.run"),
                Path.of("").toAbsolutePath(),
                System.getenv())) {
            assertEquals(0, gc.awaitExit(Duration.ofSeconds(60)), gc.output());
        }
        return ScrapedMetrics.scrape(httpPort).value("starling_jvm_heap_used_bytes");
    }

    /**
     * Waits for the sample to reach the value. The connections gauge lags the replies: the
     * broker counts a connection in the event loop task after the one that wrote its CONNACK,
     * so a client can hold its CONNACK before /metrics counts it (under load, hundreds of the
     * last ones). A client that got a SUBACK was counted before it, so after a flood of
     * closed sessions 0 means every connection has closed and every session is offline.
     */
    private static void awaitMetric(int httpPort, String sample, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long value;
        while ((value = ScrapedMetrics.scrape(httpPort).value(sample)) != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(sample + " is " + value + ", expected " + expected);
            }
            Thread.sleep(50); // polling interval, not synchronisation: the value decides
        }
    }
}
