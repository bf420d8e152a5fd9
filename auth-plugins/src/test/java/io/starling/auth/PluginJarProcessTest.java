package io.starling.auth;

import static io.starling.auth.Clients.pahoConnack;
import static io.starling.auth.Clients.rawConnect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.BrokerProcess;
import io.starling.testing.PluginJars;
import io.starling.testing.RawMqttClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example plugin built into a jar, dropped into plugins/ of a broker running as its own process. */
class PluginJarProcessTest {

    private static final Path EXAMPLE_PROJECT = Path.of("example-plugin");

    @TempDir
    Path work;

    private Path config() throws Exception {
        return Files.writeString(
                work.resolve("starling.conf"),
                String.join(
                        "\n",
                        "starling {",
                        "  listener { host = \"127.0.0.1\", port = 0 }",
                        "  http { host = \"127.0.0.1\", port = 0 }",
                        "  mqtt.allow-anonymous = false",
                        "  auth {",
                        "    plugins = [shared-secret]",
                        "    plugin-directory = \"" + work.resolve("plugins") + "\"",
                        "    shared-secret { secret = \"open-sesame\" }",
                        "  }",
                        "}"));
    }

    private BrokerProcess start() throws Exception {
        return BrokerProcess.start(List.of("-c", config().toString()), Map.of());
    }

    @Test
    void theExamplePluginJarDecidesConnackCodes() throws Exception {
        PluginJars.project(EXAMPLE_PROJECT, work, work.resolve("plugins/starling-example-plugin.jar"));
        try (BrokerProcess broker = start()) {
            int port = broker.awaitPort(60_000);
            String url = "tcp://127.0.0.1:" + port;
            assertEquals(0, pahoConnack(url, "c1", "alice", "open-sesame"));
            assertEquals(4, pahoConnack(url, "c2", "alice", "wrong"));
            try (RawMqttClient anonymous = new RawMqttClient(port)) {
                assertEquals(5, rawConnect(anonymous, "c3", null, null));
            }
            assertTrue(broker.output().contains("Loaded auth plugin 'shared-secret'"), broker.output());
        }
    }

    @Test
    void aBrokenJarStopsStartupNamingTheJar() throws Exception {
        PluginJars.project(EXAMPLE_PROJECT, work, work.resolve("plugins/starling-example-plugin.jar"));
        Path broken = Files.writeString(work.resolve("plugins/broken-plugin.jar"), "not a zip");
        try (BrokerProcess broker = start()) {
            assertEquals(1, broker.awaitExit(60_000));
            assertTrue(broker.output().contains("cannot load plugin jar " + broken), broker.output());
            assertFalse(broker.output().contains("Opening ipv4 listen socket"), "the listener never opened");
        }
    }
}
