package io.starling.protocol;

import static io.starling.testing.Mqtt5Wire.connackProperties;
import static io.starling.testing.Mqtt5Wire.connackReason;
import static io.starling.testing.Mqtt5Wire.connect;
import static io.starling.testing.Mqtt5Wire.disconnectReason;
import static io.starling.testing.Mqtt5Wire.reasonCodeProperties;
import static io.starling.testing.RawMqttClient.CONNACK;
import static io.starling.testing.RawMqttClient.DISCONNECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigUtil;
import io.starling.protocol.mqtt5.PropertyId;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Packet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server Reference (MQTT 5 section 4.11): a node that sends its clients to another server,
 * from its configuration (starling.mqtt5.redirect) or from the admin API while it runs (a node
 * being drained): CONNACK and DISCONNECT 0x9C / 0x9D with the Server Reference for MQTT 5
 * clients, CONNACK 3 and a closed connection for MQTT 3.1.1 clients.
 */
class Mqtt5RedirectionTest {

    private static final String REFERENCE = "other.example:1883";
    private static final String TOKEN = "redirection-token-0123456789";
    private static final String REDIRECT = "/api/v1/nodes/single-node/redirect";

    private static int mqtt311Connack(int port, String clientId) throws Exception {
        try (RawMqttClient client = new RawMqttClient(port)) {
            return client.connect(clientId, true, 60);
        }
    }

    @Test
    void section_4_11_aMovedNodeRefusesWithServerMovedAndTheReference() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                        "mqtt5.redirect = server-moved", "mqtt5.server-reference = \"" + REFERENCE + "\"");
                RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("moved", 0x02, 60, new byte[0]));
            Packet connack = client.expect(CONNACK);
            assertEquals(0x9D, connackReason(connack));
            assertEquals(List.of(REFERENCE), connackProperties(connack).get(PropertyId.SERVER_REFERENCE));
            assertTrue(client.isClosedByServer());
            assertEquals(3, mqtt311Connack(broker.port(), "moved-311"), "server unavailable for MQTT 3.1.1");
        }
    }

    @Test
    void section_4_11_drainingANodeThroughTheAdminApiSendsItsClientsAway() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                "admin.enabled = true",
                "admin.token = \"" + TOKEN + "\"",
                "mqtt5.server-reference = \"" + REFERENCE + "\"")) {
            int admin = broker.broker().port("admin");
            try (RawMqttClient mqtt5 = new RawMqttClient(broker.port());
                    RawMqttClient mqtt311 = new RawMqttClient(broker.port())) {
                mqtt5.send(connect("drained-5", 0x02, 60, new byte[0]));
                assertEquals(0, connackReason(mqtt5.expect(CONNACK)));
                assertEquals(0, mqtt311.connect("drained-311", true, 60));

                assertEquals(
                        400,
                        post(admin, "/api/v1/nodes/single-node/redirect?mode=elsewhere")
                                .statusCode());
                assertEquals(
                        404,
                        post(admin, "/api/v1/nodes/no-such-node/redirect?mode=none")
                                .statusCode());
                HttpResponse<String> drain = post(admin, "/api/v1/nodes/single-node/redirect?mode=use-another-server");
                assertEquals(200, drain.statusCode(), drain.body());
                assertTrue(drain.body().contains("\"disconnected\":2"), drain.body());

                Packet disconnect = mqtt5.expect(DISCONNECT);
                assertEquals(0x9C, disconnectReason(disconnect));
                assertEquals(
                        List.of(REFERENCE), reasonCodeProperties(disconnect).get(PropertyId.SERVER_REFERENCE));
                assertTrue(mqtt5.isClosedByServer());
                assertTrue(mqtt311.isClosedByServer());
            }
            try (RawMqttClient again = new RawMqttClient(broker.port())) {
                again.send(connect("drained-5", 0x02, 60, new byte[0]));
                Packet connack = again.expect(CONNACK);
                assertEquals(0x9C, connackReason(connack));
                assertEquals(List.of(REFERENCE), connackProperties(connack).get(PropertyId.SERVER_REFERENCE));
            }
            assertEquals(
                    200,
                    post(admin, "/api/v1/nodes/single-node/redirect?mode=none").statusCode());
            assertEquals(0, mqtt311Connack(broker.port(), "back"));
        }
    }

    @Test
    void aRedirectSetThroughTheAdminApiOutlivesARestartUntilDeleted(@TempDir Path data) throws Exception {
        String[] settings = {
            "admin.enabled = true",
            "admin.token = \"" + TOKEN + "\"",
            "mqtt5.server-reference = \"" + REFERENCE + "\"",
            "data-directory = " + ConfigUtil.quoteString(data.toString())
        };
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings)) {
            HttpResponse<String> moved =
                    post(broker.broker().port("admin"), "/api/v1/nodes/single-node/redirect?mode=server-moved");
            assertEquals(200, moved.statusCode(), moved.body());
        }
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings)) {
            assertEquals(0x9D, mqtt5Connack(broker.port(), "after-restart"), "the redirect outlived the restart");
            HttpResponse<String> cleared = send(broker.broker().port("admin"), "DELETE", REDIRECT);
            assertEquals(200, cleared.statusCode(), cleared.body());
            assertTrue(cleared.body().contains("\"redirect\":\"none\""), cleared.body());
            assertEquals(0, mqtt5Connack(broker.port(), "after-delete"), "the setting applies again");
            assertEquals(
                    405, send(broker.broker().port("admin"), "PUT", REDIRECT).statusCode());
        }
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings)) {
            assertEquals(0, mqtt5Connack(broker.port(), "after-second-restart"), "deleted for good");
        }
        Files.writeString(data.resolve("redirect"), "elsewhere\n");
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings)) {
            assertEquals(0, mqtt5Connack(broker.port(), "bad-file"), "a file naming no mode is ignored");
        }
    }

    private static int mqtt5Connack(int port, String clientId) throws Exception {
        try (RawMqttClient client = new RawMqttClient(port)) {
            client.send(connect(clientId, 0x02, 60, new byte[0]));
            return connackReason(client.expect(CONNACK));
        }
    }

    private static HttpResponse<String> post(int port, String path) throws Exception {
        return send(port, "POST", path);
    }

    private static HttpResponse<String> send(int port, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN)
                .header("X-Starling-Admin", "1")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
