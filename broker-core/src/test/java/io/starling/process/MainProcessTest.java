package io.starling.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.BrokerProcess;
import io.starling.testing.RawMqttClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The real Main in its own JVM: configuration file, environment, SIGTERM, bad configuration, taken ports. */
class MainProcessTest {

    private static final Map<String, String> LOOPBACK = Map.of(
            "STARLING_LISTENER_HOST",
            "127.0.0.1",
            "STARLING_LISTENER_PORT",
            "0",
            "STARLING_HTTP_HOST",
            "127.0.0.1",
            "STARLING_HTTP_PORT",
            "0");

    @TempDir
    Path dir;

    @Test
    void servesClientsAndStopsCleanlyOnSigterm() throws Exception {
        Path conf = dir.resolve("starling.conf");
        Files.writeString(conf, "starling.mqtt.max-inflight-messages = 4\n");
        try (BrokerProcess broker = BrokerProcess.start(List.of("-c", conf.toString(), "-v"), LOOPBACK)) {
            int port = broker.awaitPort(60_000);
            try (RawMqttClient client = new RawMqttClient(port)) {
                assertEquals(0, client.connect("process-client", true, 60));
                client.send(RawMqttClient.pingreq());
                client.expect(RawMqttClient.PINGRESP);
                broker.terminate();
                assertTrue(client.isClosedByServer(), "SIGTERM closes client connections");
            }
            assertEquals(0, broker.awaitExit(20_000), broker.output());
            assertTrue(broker.output().contains("Received PINGREQ from process-client"), "-v logs packets");
            assertTrue(broker.output().contains("Broker stopped."), broker.output());
            // The default (no allow-anonymous in the file): open to this machine only, and the log says so.
            assertTrue(
                    broker.output()
                            .contains(
                                    " transport); open to anonymous clients from loopback only (no auth plugin configured)."),
                    broker.output());
        }
    }

    @Test
    void unknownKeyStopsStartUpWithAMessageNamingIt() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "starling.mqtt.max-inflight = 4\n");
        try (BrokerProcess broker = BrokerProcess.start(List.of("-c", conf.toString()), LOOPBACK)) {
            assertEquals(2, broker.awaitExit(20_000));
            assertTrue(broker.output().contains("starling.mqtt.max-inflight"), broker.output());
        }
    }

    @Test
    void badEnvironmentValueStopsStartUpWithAMessageNamingTheKey() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(
                List.of(),
                Map.of(
                        "STARLING_LISTENER_HOST",
                        "127.0.0.1",
                        "STARLING_LISTENER_PORT",
                        "not-a-port",
                        "STARLING_HTTP_HOST",
                        "127.0.0.1",
                        "STARLING_HTTP_PORT",
                        "0"))) {
            assertEquals(2, broker.awaitExit(20_000));
            assertTrue(broker.output().contains("starling.listener.port"), broker.output());
        }
    }

    @ParameterizedTest
    @CsvSource({"STARLING_LISTENER_PORT, ipv4, starling.listener", "STARLING_HTTP_PORT, http, starling.http"})
    void aTakenPortStopsStartUpWithOneLineNamingTheListenerItsAddressAndItsKey(
            String portVariable, String listener, String key) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> environment = new HashMap<>(LOOPBACK);
            environment.put(portVariable, Integer.toString(taken.getLocalPort()));
            try (BrokerProcess broker = BrokerProcess.start(List.of(), environment)) {
                assertEquals(1, broker.awaitExit(20_000), broker.output());
                String output = broker.output();
                String expected = "starling: could not start: the " + listener + " listener cannot bind 127.0.0.1:"
                        + taken.getLocalPort() + ": Address already in use (choose another " + key + ".port or " + key
                        + ".host)";
                assertEquals(
                        List.of(expected),
                        output.lines()
                                .filter(line -> line.startsWith("starling:"))
                                .toList(),
                        output);
                assertFalse(output.contains("Exception"), output);
                assertFalse(output.contains("\tat "), output);
            }
        }
    }
}
