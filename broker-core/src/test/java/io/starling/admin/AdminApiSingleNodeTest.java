package io.starling.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.PahoClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin API of a single node (the cluster of one answers alone), through real HTTP calls
 * and real MQTT clients; the three-node cluster is tested in the distribution's AdminApiClusterIT.
 */
class AdminApiSingleNodeTest {

    private static final String TOKEN = "single-node-token-0123456789";

    private final HttpClient http = HttpClient.newHttpClient();
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws InterruptedException {
        broker = EmbeddedBroker.start("admin.enabled = true", "admin.token = \"" + TOKEN + "\"");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + broker.broker().port("admin") + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (!method.equals("GET")) {
            request.header("X-Starling-Admin", "1");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listsFindsAndDisconnectsAClient() throws Exception {
        try (PahoClients client = PahoClients.connect(broker.url(), "solo/1")) {
            client.client().subscribe("solo/#", 1);
            HttpResponse<String> list = call("GET", "/api/v1/clients?q=solo");
            assertEquals(200, list.statusCode(), list.body());
            assertTrue(list.body().contains("\"total\":1"), list.body());
            assertTrue(list.body().contains("\"clientId\":\"solo/1\""), list.body());
            HttpResponse<String> detail = call("GET", "/api/v1/clients/solo%2F1");
            assertEquals(200, detail.statusCode(), detail.body());
            assertTrue(detail.body().contains("\"filter\":\"solo/#\""), detail.body());
            HttpResponse<String> subscriptions = call("GET", "/api/v1/subscriptions?filter=solo/%23");
            assertTrue(subscriptions.body().contains("\"total\":1"), subscriptions.body());

            HttpResponse<String> kicked = call("POST", "/api/v1/clients/solo%2F1/disconnect");
            assertEquals(200, kicked.statusCode(), kicked.body());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (client.client().isConnected() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertFalse(client.client().isConnected());
            assertEquals(
                    404, call("POST", "/api/v1/clients/solo%2F1/disconnect").statusCode());
        }
    }

    @Test
    void retainedMessagesAreListedAndDeletedWithoutADelivery() throws Exception {
        try (PahoClients publisher = PahoClients.connect(broker.url(), "solo-pub")) {
            publisher.client().publish("solo/kept", "é".getBytes(StandardCharsets.UTF_8), 1, true);
            publisher.client().publish("solo/binary", new byte[] {(byte) 0xff, 0}, 1, true);
        }
        try (PahoClients subscriber = PahoClients.connect(broker.url(), "solo-sub")) {
            subscriber.client().subscribe("solo/#", 1);
            subscriber.next();
            subscriber.next();
            HttpResponse<String> retained = call("GET", "/api/v1/retained?filter=solo/%23");
            assertTrue(retained.body().contains("\"payload\":\"é\""), retained.body());
            assertTrue(retained.body().contains("\"payloadBase64\":\"/wA=\""), retained.body());
            assertEquals(200, call("DELETE", "/api/v1/retained?topic=solo/kept").statusCode());
            assertTrue(call("GET", "/api/v1/retained?filter=solo/%23").body().contains("\"total\":1"));
            assertEquals(null, subscriber.poll(300), "a deletion is not delivered to subscribers");
        }
    }

    @Test
    void theNodeReportsItselfAndRefusesBadCalls() throws Exception {
        HttpResponse<String> nodes = call("GET", "/api/v1/nodes");
        assertEquals(200, nodes.statusCode());
        assertTrue(nodes.body().contains("\"id\":\"single-node\""), nodes.body());
        assertTrue(nodes.body().contains("\"healthy\":true"), nodes.body());
        assertEquals(400, call("GET", "/api/v1/sessions?limit=5000").statusCode());
        assertEquals(400, call("GET", "/api/v1/sessions?connected=maybe").statusCode());
        assertEquals(404, call("DELETE", "/api/v1/sessions/nobody").statusCode());
        HttpResponse<String> page = call("GET", "/dashboard/");
        assertEquals(200, page.statusCode());
        assertTrue(
                page.headers().firstValue("content-security-policy").orElse("").contains("default-src 'self'"));
        assertEquals(404, call("GET", "/dashboard/../../etc/passwd").statusCode());
    }

    @Test
    void enablingItWithoutPasswordsOrTokenStopsStartUp() {
        ConfigException refused =
                assertThrows(ConfigException.class, () -> EmbeddedBroker.config("admin.enabled = true"));
        assertTrue(refused.getMessage().contains("starling.admin.password-file or starling.admin.token"));
        assertThrows(ConfigException.class, () -> EmbeddedBroker.config("admin.token = short"));
    }
}
