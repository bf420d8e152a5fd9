package io.starling.distribution;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.FreePort;
import io.starling.testing.PahoClients;
import io.starling.testing.ScrapedMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Docker Compose example ({@code examples/compose/}) as a user runs it: the project's image
 * built by {@code scripts/build-image.sh} (on the local Debian JRE image), three nodes and
 * HAProxy brought up by Debian's {@code docker-compose} with the host-network override (every
 * port on 127.0.0.1, the service names resolving to 127.0.0.1 through extra_hosts, so the nodes
 * find each other by name through the same DNS discovery as in Kubernetes). The second test
 * kills a node's container, so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeClusterIT {

    private static final List<String> NODES = List.of("node1", "node2", "node3");
    private static final Duration START = Duration.ofMinutes(3);
    private static final Duration CLIENT = Duration.ofSeconds(30);

    private static final Map<String, Integer> mqttPorts = new HashMap<>();
    private static final Map<String, Integer> httpPorts = new HashMap<>();
    private static StarlingImage image;
    private static String balancer;
    private static ComposeProject compose;

    @BeforeAll
    static void buildTheImageAndBringUpTheCluster() throws Exception {
        image = StarlingImage.build();
        String suffix = image.name().substring(image.name().lastIndexOf('-') + 1);
        Map<String, String> variables = new HashMap<>();
        variables.put("STARLING_IMAGE", image.name());
        variables.put("HAPROXY_IMAGE", StarlingContainers.HAPROXY.asCanonicalNameString());
        for (String node : NODES) {
            String prefix = node.toUpperCase(Locale.ROOT) + "_";
            mqttPorts.put(node, FreePort.next());
            httpPorts.put(node, FreePort.next());
            variables.put(prefix + "MQTT_PORT", mqttPorts.get(node).toString());
            variables.put(prefix + "HTTP_PORT", httpPorts.get(node).toString());
            variables.put(prefix + "MEMBER_PORT", Integer.toString(FreePort.next()));
        }
        int balancerPort = FreePort.next();
        variables.put("MQTT_PORT", Integer.toString(balancerPort));
        balancer = "tcp://127.0.0.1:" + balancerPort;
        compose = new ComposeProject(
                StarlingImage.repository().resolve("examples/compose"),
                "starling-it-" + suffix,
                List.of("docker-compose.yml", "host-network.yml"),
                variables);
        compose.up();
        for (String node : NODES) {
            awaitClusterOfThree(node);
        }
    }

    @AfterAll
    static void removeTheProjectAndImage() throws Exception {
        if (compose != null) {
            compose.down();
        }
        if (image != null) {
            image.remove();
        }
    }

    @Test
    @Order(1)
    void theNodesFoundEachOtherByNameRunAsTheirOwnUserAndAreHealthy() throws Exception {
        for (String node : NODES) {
            String logs = compose.logs(node);
            assertTrue(
                    logs.contains("Cluster members found by DNS ([node1, node2, node3] at ports"),
                    node + " did not log its DNS discovery:\n" + logs);
            // The image's user, not root.
            assertEquals("1883", Commands.lastLine(compose.exec(node, "id", "-u")), node);
            Commands.awaitHealthy(Commands.lastLine(compose.containerId(node)), START);
        }
    }

    @Test
    @Order(2)
    void theComposeFileForADockerNetworkIsValidOnItsOwn() throws Exception {
        // What users run without the override (not started here: no bridge network on this machine).
        new ComposeProject(
                        StarlingImage.repository().resolve("examples/compose"),
                        "starling-it-config",
                        List.of("docker-compose.yml"),
                        Map.of())
                .run("config", "--quiet");
    }

    @Test
    @Order(3)
    void clientsContinueWithTheirSessionsWhenANodeContainerIsKilled() throws Exception {
        // A persistent session through HAProxy, on whichever node it picks.
        BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        MqttClient subscriber = connect("compose-sub", received, false);
        subscriber.subscribe("compose/t", 1);
        String victim = nodeLogging(NODES, " as compose-sub (");
        // A second client connected straight to another node stays connected throughout.
        String survivor = NODES.get((NODES.indexOf(victim) + 1) % NODES.size());
        try (PahoClients bystander = PahoClients.connect("tcp://127.0.0.1:" + mqttPorts.get(survivor), "compose-by")) {
            bystander.client().subscribe("compose/t", 1);
            publishThroughTheBalancer("before");
            assertEquals("before", text(received.poll(CLIENT.toSeconds(), TimeUnit.SECONDS)));
            assertEquals("before", bystander.next().text());

            compose.kill(victim);
            for (String node : NODES) {
                if (!node.equals(victim)) {
                    awaitLog(node, "left; its routes lead");
                }
            }
            // Queued for the offline session on a surviving node.
            publishThroughTheBalancer("while away");
            assertEquals("while away", bystander.next().text());
            subscriber.close(true);

            MqttClient resumed = connect("compose-sub", received, true);
            try {
                assertEquals("while away", text(received.poll(CLIENT.toSeconds(), TimeUnit.SECONDS)));
                publishThroughTheBalancer("after");
                assertEquals("after", text(received.poll(CLIENT.toSeconds(), TimeUnit.SECONDS)));
                assertEquals("after", bystander.next().text());
            } finally {
                resumed.disconnect();
                resumed.close(true);
            }
        }
    }

    /**
     * Connects a persistent session through HAProxy; a session that existed before must be
     * found again (CONNACK session-present), wherever HAProxy sends the client.
     */
    private static MqttClient connect(String clientId, BlockingQueue<MqttMessage> into, boolean existed)
            throws Exception {
        MqttClient client = new MqttClient(balancer, clientId, new MemoryPersistence());
        client.setCallback(new QueueingCallback(into));
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setConnectionTimeout((int) CLIENT.toSeconds());
        assertEquals(existed, client.connectWithResult(options).getSessionPresent(), clientId + ": session present");
        return client;
    }

    private static void publishThroughTheBalancer(String text) throws Exception {
        try (PahoClients publisher = PahoClients.connect(balancer, "compose-pub")) {
            // Returns once the broker acknowledged it (PUBACK): durable on its nodes.
            publisher.client().publish("compose/t", text.getBytes(UTF_8), 1, false);
        }
    }

    private static String text(MqttMessage message) {
        return message == null ? null : new String(message.getPayload(), UTF_8);
    }

    private static void awaitClusterOfThree(String node) throws Exception {
        long deadline = System.nanoTime() + START.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                long members = ScrapedMetrics.scrape(httpPorts.get(node)).value("starling_cluster_members");
                if (members == NODES.size()) {
                    return;
                }
                last = members + " members";
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        throw new AssertionError(node + " has no cluster of three (" + last + "):\n" + compose.logs(node));
    }

    /** The first of {@code nodes} whose log has {@code text}, waiting for it a while. */
    private static String nodeLogging(List<String> nodes, String text) throws Exception {
        long deadline = System.nanoTime() + CLIENT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String node : nodes) {
                if (compose.logs(node).contains(text)) {
                    return node;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        throw new AssertionError(nodes + ": none logged '" + text + "'");
    }

    private static void awaitLog(String node, String text) throws Exception {
        nodeLogging(List.of(node), text);
    }
}
