package io.starling.auth;

import static io.starling.auth.Clients.pahoConnack;
import static io.starling.auth.Clients.rawConnect;
import static io.starling.testing.Mqtt5Wire.auth;
import static io.starling.testing.Mqtt5Wire.authReason;
import static io.starling.testing.Mqtt5Wire.authentication;
import static io.starling.testing.Mqtt5Wire.connackProperties;
import static io.starling.testing.Mqtt5Wire.connackReason;
import static io.starling.testing.Mqtt5Wire.connect;
import static io.starling.testing.Mqtt5Wire.disconnectReason;
import static io.starling.testing.Mqtt5Wire.reasonCodeProperties;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.protocol.mqtt5.PropertyId;
import io.starling.testing.BrokerProcess;
import io.starling.testing.PluginJars;
import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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

    /**
     * The example's challenge-response method in a broker of its own: CONNECT, AUTH 0x18 with
     * the server nonce, the client's HMAC, CONNACK with the server's proof [MQTT-4.12.0-2/3/5];
     * then a re-authentication of the live connection [MQTT-4.12.1-1], and one answered wrong,
     * which ends the connection with DISCONNECT 0x87 [MQTT-4.12.1-2].
     */
    @Test
    void theExamplePluginsChallengeResponseAuthenticatesAndReauthenticates() throws Exception {
        PluginJars.project(EXAMPLE_PROJECT, work, work.resolve("plugins/starling-example-plugin.jar"));
        byte[] secret = "open-sesame".getBytes(StandardCharsets.UTF_8);
        try (BrokerProcess broker = start()) {
            int port = broker.awaitPort(60_000);
            try (RawMqttClient client = new RawMqttClient(port)) {
                byte[] clientNonce = nonce();
                client.send(connect("hmac", 0x02, 60, authentication(HMAC, clientNonce)));
                byte[] serverNonce = challenge(client.expect(RawMqttClient.AUTH));
                client.send(auth(0x18, HMAC, hmac(secret, clientNonce, serverNonce)));
                RawMqttClient.Packet connack = client.expect(RawMqttClient.CONNACK);
                assertEquals(0, connackReason(connack));
                assertEquals(List.of(HMAC), connackProperties(connack).get(PropertyId.AUTHENTICATION_METHOD));
                assertArrayEquals(hmac(secret, serverNonce, clientNonce), data(connackProperties(connack)));

                byte[] again = nonce();
                client.send(auth(0x19, HMAC, again));
                byte[] serverAgain = challenge(client.expect(RawMqttClient.AUTH));
                client.send(auth(0x18, HMAC, hmac(secret, again, serverAgain)));
                RawMqttClient.Packet success = client.expect(RawMqttClient.AUTH);
                assertEquals(0, authReason(success));
                assertArrayEquals(hmac(secret, serverAgain, again), data(reasonCodeProperties(success)));

                client.send(auth(0x19, HMAC, nonce()));
                challenge(client.expect(RawMqttClient.AUTH));
                client.send(auth(0x18, HMAC, hmac("guess".getBytes(StandardCharsets.UTF_8), again, serverAgain)));
                assertEquals(0x87, disconnectReason(client.expect(RawMqttClient.DISCONNECT)));
                assertTrue(client.isClosedByServer());
            }
            try (RawMqttClient client = new RawMqttClient(port)) {
                client.send(connect("wrong-secret", 0x02, 60, authentication(HMAC, nonce())));
                byte[] serverNonce = challenge(client.expect(RawMqttClient.AUTH));
                client.send(auth(0x18, HMAC, hmac("guess".getBytes(StandardCharsets.UTF_8), nonce(), serverNonce)));
                assertEquals(0x86, connackReason(client.expect(RawMqttClient.CONNACK)));
            }
            assertTrue(broker.output().contains("accepted re-authentication by HMAC-SHA256"), broker.output());
        }
    }

    private static final String HMAC = "HMAC-SHA256";

    private static byte[] nonce() {
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        return nonce;
    }

    /** The server nonce of the example's AUTH 0x18. */
    private static byte[] challenge(RawMqttClient.Packet auth) {
        assertEquals(0x18, authReason(auth));
        Map<PropertyId, List<Object>> properties = reasonCodeProperties(auth);
        assertEquals(List.of(HMAC), properties.get(PropertyId.AUTHENTICATION_METHOD));
        return data(properties);
    }

    private static byte[] data(Map<PropertyId, List<Object>> properties) {
        return (byte[]) properties.get(PropertyId.AUTHENTICATION_DATA).get(0);
    }

    private static byte[] hmac(byte[] secret, byte[] first, byte[] second) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        mac.update(first);
        return mac.doFinal(second);
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
