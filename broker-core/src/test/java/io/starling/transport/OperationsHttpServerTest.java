package io.starling.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.EmbeddedBroker;
import io.starling.testing.PahoClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Prometheus /metrics and /health endpoint, and the $SYS topics. */
class OperationsHttpServerTest {

    private static HttpResponse<String> get(EmbeddedBroker broker, String path) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        return http.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + broker.broker().port("http") + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsCountConnectionsAndMessages() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start();
                PahoClients paho = PahoClients.connect(broker.url(), "metrics-client")) {
            paho.client().subscribe("m/t", 1);
            paho.client().publish("m/t", "x".getBytes(StandardCharsets.UTF_8), 1, false);
            paho.next();
            HttpResponse<String> response = get(broker, "/metrics");
            assertEquals(200, response.statusCode());
            assertTrue(
                    response.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
            String body = response.body();
            assertTrue(body.contains("\nstarling_connections 1\n"), body);
            assertTrue(body.contains("starling_messages_received_total{qos=\"1\"} 1\n"), body);
            assertTrue(body.contains("starling_messages_sent_total{qos=\"1\"} 1\n"), body);
            assertTrue(body.contains("\nstarling_subscriptions 1\n"), body);
            assertTrue(body.contains("# TYPE starling_bytes_received_total counter"), body);
            assertTrue(body.contains("# TYPE starling_store_commit_seconds summary"), body);
            assertTrue(body.contains("\nstarling_store_commit_seconds_count 0\n"), "in-memory storage never commits");
        }
    }

    @Test
    void healthAndUnknownPaths() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            assertEquals(200, get(broker, "/health").statusCode());
            assertEquals(404, get(broker, "/nothing").statusCode());
        }
    }

    @Test
    void sysTopicsArePublishedRetainedAndNotMatchedByHash() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("sys-interval = 100ms");
                PahoClients all = PahoClients.connect(broker.url(), "hash-subscriber");
                PahoClients sys = PahoClients.connect(broker.url(), "sys-subscriber")) {
            all.client().subscribe("#", 0);
            sys.client().subscribe("$SYS/broker/clients/connected", 0);
            PahoClients.Received connected = sys.next();
            assertEquals("$SYS/broker/clients/connected", connected.topic());
            assertTrue(Long.parseLong(connected.text()) >= 1);
            sys.client().subscribe("$SYS/broker/version", 0);
            PahoClients.Received version;
            do {
                version = sys.next();
            } while (!version.topic().equals("$SYS/broker/version"));
            assertTrue(version.text().startsWith("starling version"), version.text());
            sys.client().subscribe("$SYS/broker/cluster/#", 0);
            Map<String, String> cluster = new HashMap<>();
            while (cluster.size() < 6) {
                PahoClients.Received next = sys.next();
                if (next.topic().startsWith("$SYS/broker/cluster/")) {
                    cluster.put(next.topic().substring("$SYS/broker/cluster/".length()), next.text());
                }
            }
            assertEquals(
                    Map.of(
                            "members",
                            "1",
                            "messages/forwarded",
                            "0",
                            "messages/received",
                            "0",
                            "messages/failed",
                            "0",
                            "pending",
                            "0",
                            "latency",
                            "0.000"),
                    cluster,
                    "a single node's cluster figures");
            assertEquals(null, all.poll(300), "# must not match $SYS topics");
        }
    }
}
