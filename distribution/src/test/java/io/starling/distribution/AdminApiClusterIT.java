package io.starling.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.PahoClients;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API against the distribution's three-node example cluster (three JVMs started by
 * {@code bin/starling}, HAProxy in front): every answer is cluster-wide whichever node is asked,
 * and every action takes effect on the node that holds the client.
 */
class AdminApiClusterIT {

    @TempDir
    static Path temp;

    private static AdminCluster admin;

    @BeforeAll
    static void startCluster() throws Exception {
        admin = AdminCluster.start(temp, "admin-api-cluster-logs");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (admin != null) {
            admin.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("items");
    }

    private static String url(int node) {
        return admin.cluster.nodes.get(node).url();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyNodeListsTheSameThreeHealthyNodes() throws Exception {
        Set<Object> first = null;
        for (int node = 0; node < 3; node++) {
            Map<String, Object> answer = admin.get(node, "/api/v1/nodes");
            List<Map<String, Object>> nodes = (List<Map<String, Object>>) answer.get("nodes");
            assertEquals(3, nodes.size(), answer.toString());
            Set<Object> ids = new HashSet<>();
            for (Map<String, Object> each : nodes) {
                assertEquals(true, each.get("healthy"), each.toString());
                assertEquals(3.0, each.get("members"), each.toString());
                assertTrue(((Map<String, Object>) each.get("listeners")).containsKey("ipv4"), each.toString());
                ids.add(each.get("id"));
            }
            assertEquals(
                    1,
                    nodes.stream()
                            .filter(each -> Boolean.TRUE.equals(each.get("self")))
                            .count());
            if (first != null) {
                assertEquals(first, ids);
            }
            first = ids;
        }
    }

    @Test
    void clientsOfEveryNodeAreFoundFromAnyNodeByIdUserAndAddressAndPaged() throws Exception {
        MqttConnectOptions withUser = new MqttConnectOptions();
        withUser.setUserName("operator-alice");
        try (PahoClients one = PahoClients.connect(url(0), "api-list-1");
                PahoClients two = PahoClients.connect(url(2), "api-list-2", withUser)) {
            two.client().subscribe("api/list/#", 1);
            for (int asked = 0; asked < 3; asked++) {
                Map<String, Object> page = admin.get(asked, "/api/v1/clients?q=api-list-");
                assertEquals(2.0, page.get("total"), page.toString());
                List<Map<String, Object>> clients = items(page);
                assertEquals("api-list-1", clients.get(0).get("clientId"));
                assertEquals("api-list-2", clients.get(1).get("clientId"));
                assertNotEquals(clients.get(0).get("node"), clients.get(1).get("node"), "held by two nodes");
                assertEquals("3.1.1", clients.get(0).get("protocol"));
                assertTrue(((String) clients.get(0).get("address")).startsWith("127.0.0.1:"), clients.toString());
            }
            Map<String, Object> byUser = admin.get(1, "/api/v1/clients?q=operator-ali");
            assertEquals(1.0, byUser.get("total"), byUser.toString());
            assertEquals("api-list-2", items(byUser).get(0).get("clientId"));
            Map<String, Object> byAddress = admin.get(1, "/api/v1/clients?q=127.0.0.1");
            assertTrue((Double) byAddress.get("total") >= 2, byAddress.toString());
            Map<String, Object> second = admin.get(1, "/api/v1/clients?q=api-list-&offset=1&limit=1");
            assertEquals(2.0, second.get("total"));
            assertEquals(1, items(second).size());
            assertEquals("api-list-2", items(second).get(0).get("clientId"));

            Map<String, Object> detail = admin.get(0, "/api/v1/clients/api-list-2");
            assertEquals("operator-alice", detail.get("userName"));
            assertEquals(1.0, detail.get("subscriptions"));
            assertTrue(detail.get("subscriptionList").toString().contains("api/list/#"), detail.toString());
            Map<String, Object> subscriptions = admin.get(1, "/api/v1/subscriptions?filter=" + encode("api/list/#"));
            assertEquals(1.0, subscriptions.get("total"), subscriptions.toString());
            assertEquals("api-list-2", items(subscriptions).get(0).get("clientId"));
        }
    }

    @Test
    void offlineSessionsAreListedAndDeletedOnTheNodeThatKeepsThem() throws Exception {
        MqttConnectOptions persistent = new MqttConnectOptions();
        persistent.setCleanSession(false);
        try (PahoClients client = PahoClients.connect(url(1), "api-offline-1", persistent)) {
            client.client().subscribe("api/offline", 1);
        }
        Map<String, Object> sessions = admin.await(
                0,
                "/api/v1/sessions?q=api-offline-1",
                page -> items(page).size() == 1
                        && Boolean.FALSE.equals(items(page).get(0).get("connected")));
        assertEquals(true, items(sessions).get(0).get("persistent"));
        assertEquals(0.0, admin.get(2, "/api/v1/clients?q=api-offline-1").get("total"), "offline: not a client");

        HttpResponse<String> deleted = admin.call(2, "DELETE", "/api/v1/sessions/api-offline-1");
        assertEquals(200, deleted.statusCode(), deleted.body());
        String keeper = (String) TestJson.object(deleted.body()).get("node");
        assertEquals(keeper, items(sessions).get(0).get("node"), "deleted on the node that kept it");
        assertEquals(404, admin.call(0, "GET", "/api/v1/sessions/api-offline-1").statusCode());
        assertEquals(
                404, admin.call(0, "DELETE", "/api/v1/sessions/api-offline-1").statusCode());
    }

    @Test
    void disconnectAskedOfAnotherNodeClosesTheClientOnTheNodeHoldingIt() throws Exception {
        try (PahoClients client = PahoClients.connect(url(2), "api-kick-1")) {
            String holder = (String) admin.get(0, "/api/v1/clients/api-kick-1").get("node");
            HttpResponse<String> response = admin.call(0, "POST", "/api/v1/clients/api-kick-1/disconnect");
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(holder, TestJson.object(response.body()).get("node"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (client.client().isConnected() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            assertFalse(client.client().isConnected(), "the client was disconnected");
            admin.cluster
                    .nodes
                    .get(2)
                    .process
                    .awaitLine("disconnected: disconnected by an operator (admin API)", 0, Duration.ofSeconds(20));
            admin.await(1, "/api/v1/clients?q=api-kick-1", page -> items(page).isEmpty());
            assertEquals(
                    404,
                    admin.call(1, "POST", "/api/v1/clients/api-kick-1/disconnect")
                            .statusCode());
        }
    }

    @Test
    void retainedMessagesAreListedAndDeletedEverywhere() throws Exception {
        try (PahoClients publisher = PahoClients.connect(url(0), "api-retain-pub")) {
            publisher.client().publish("api/retained/a", "kept".getBytes(StandardCharsets.UTF_8), 1, true);
        }
        for (int node = 0; node < 3; node++) {
            Map<String, Object> page = admin.await(
                    node,
                    "/api/v1/retained?filter=" + encode("api/retained/#"),
                    answer -> items(answer).size() == 1);
            assertEquals("kept", items(page).get(0).get("payload"));
        }
        HttpResponse<String> deleted = admin.call(1, "DELETE", "/api/v1/retained?topic=" + encode("api/retained/a"));
        assertEquals(200, deleted.statusCode(), deleted.body());
        for (int node = 0; node < 3; node++) {
            admin.await(
                    node,
                    "/api/v1/retained?filter=" + encode("api/retained/#"),
                    answer -> items(answer).isEmpty());
        }
        assertEquals(
                404,
                admin.call(2, "DELETE", "/api/v1/retained?topic=" + encode("api/retained/a"))
                        .statusCode());
    }

    @Test
    void reloadingAuthFilesIsAnsweredByEveryNode() throws Exception {
        HttpResponse<String> response = admin.call(2, "POST", "/api/v1/auth/reload");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(3, ((List<?>) TestJson.object(response.body()).get("reloaded")).size(), response.body());
    }

    @Test
    void messageRatesPerTopicTreeAreSummedOverTheNodes() throws Exception {
        Map<String, Object> started = admin.get(0, "/api/v1/topics?depth=2");
        assertEquals(false, started.get("counting"), "the first ask starts the counting: " + started);
        try (PahoClients onFirst = PahoClients.connect(url(0), "rates-pub-1");
                PahoClients onThird = PahoClients.connect(url(2), "rates-pub-3")) {
            for (int i = 0; i < 30; i++) {
                onFirst.client().publish("rates/a/x", new byte[8], 1, false);
            }
            for (int i = 0; i < 10; i++) {
                onThird.client().publish("rates/b/y/z", new byte[8], 1, false);
            }
        }
        // Rates cover at least a second since the ask before: ask until both trees show, from
        // the node that had no publisher.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Object> rates;
        do {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1100));
            rates = admin.get(1, "/api/v1/topics?depth=2");
        } while (items(rates).size() < 2 && System.nanoTime() < deadline);
        assertEquals(true, rates.get("counting"), rates.toString());
        List<Map<String, Object>> trees = items(rates);
        // Highest first: 30 messages on node 1, 10 on node 3, over about the same interval.
        assertEquals(
                List.of("rates/a", "rates/b"),
                trees.stream().map(tree -> tree.get("tree")).toList());
        assertTrue((Double) trees.get(1).get("messagesPerSecond") > 0, rates.toString());
    }

    @Test
    void badCallsGetClearJsonErrors() throws Exception {
        assertError(admin.call(0, "GET", "/api/v1/topics?depth=9"), 400, "depth");
        assertError(admin.call(0, "GET", "/api/v1/clients?limit=0"), 400, "limit");
        assertError(admin.call(0, "GET", "/api/v1/clients?offset=x"), 400, "offset");
        assertError(admin.call(0, "GET", "/api/v1/subscriptions?filter=" + encode("a/#/b")), 400, "filter");
        assertError(admin.call(0, "DELETE", "/api/v1/retained?topic=" + encode("a/+")), 400, "topic");
        assertError(admin.call(1, "GET", "/api/v1/clients/no-such-client"), 404, "no-such-client");
        assertError(admin.call(1, "GET", "/api/v1/nothing-here"), 404, "no such resource");
        assertError(admin.call(1, "PUT", "/api/v1/nodes"), 405, "PUT");
    }

    @Test
    void onlyAdminsGetInAndStateChangesNeedTheCustomHeader() throws Exception {
        HttpRequest anonymous = HttpRequest.newBuilder(URI.create(admin.baseUrl(0) + "/api/v1/nodes"))
                .GET()
                .build();
        assertError(admin.send(anonymous), 401, "log in");
        HttpRequest wrongToken = HttpRequest.newBuilder(URI.create(admin.baseUrl(0) + "/api/v1/nodes"))
                .header("Authorization", "Bearer not-the-token-at-all")
                .GET()
                .build();
        assertError(admin.send(wrongToken), 401, "log in");
        HttpRequest crossSite = HttpRequest.newBuilder(URI.create(admin.baseUrl(0) + "/api/v1/auth/reload"))
                .header("Authorization", "Bearer " + AdminCluster.TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        assertError(admin.send(crossSite), 403, "X-Starling-Admin".toLowerCase());

        assertError(login(AdminCluster.USER, "wrong password"), 401, "wrong user name or password");
        HttpResponse<String> loggedIn = login(AdminCluster.USER, AdminCluster.PASSWORD);
        assertEquals(200, loggedIn.statusCode(), loggedIn.body());
        String cookie = loggedIn.headers().firstValue("set-cookie").orElseThrow();
        assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
        HttpRequest withCookie = HttpRequest.newBuilder(URI.create(admin.baseUrl(0) + "/api/v1/me"))
                .header("Cookie", cookie.substring(0, cookie.indexOf(';')))
                .GET()
                .build();
        HttpResponse<String> me = admin.send(withCookie);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(AdminCluster.USER, TestJson.object(me.body()).get("user"));
        admin.cluster.nodes.get(0).process.awaitLine("Refused", 0, Duration.ofSeconds(20));
    }

    private static HttpResponse<String> login(String user, String password) throws Exception {
        String form = "user=" + encode(user) + "&password=" + encode(password);
        return admin.send(HttpRequest.newBuilder(URI.create(admin.baseUrl(0) + "/api/v1/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Starling-Admin", "1")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    }

    private static void assertError(HttpResponse<String> response, int status, String mentioned) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        String error = (String) TestJson.object(response.body()).get("error");
        assertTrue(error.contains(mentioned), error);
    }
}
