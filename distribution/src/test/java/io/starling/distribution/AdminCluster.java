package io.starling.distribution;

import io.starling.testing.FreePort;
import io.starling.testing.TestProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The example cluster of the unzipped distribution ({@link ExampleCluster}: three JVMs behind
 * HAProxy) with each node's admin API and dashboard on (on 127.0.0.1, an admin user made with
 * {@code bin/starling-passwd}, and a token) and its MQTT WebSocket listener open, for the admin
 * API and dashboard tests.
 */
final class AdminCluster implements AutoCloseable {

    static final String USER = "admin";
    static final String PASSWORD = "correct horse battery staple";
    static final String TOKEN = "test-token-0123456789abcdef";
    private static final Duration CALL = Duration.ofSeconds(30);

    final ExampleCluster cluster;
    final int[] adminPorts = new int[3];
    final int[] websocketPorts = new int[3];
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CALL).build();

    private final String logs;

    private AdminCluster(ExampleCluster cluster, String logs) {
        this.cluster = cluster;
        this.logs = logs;
    }

    /** @param logs the directory under the e2e work directory where the processes' output is kept */
    static AdminCluster start(Path temp, String logs) throws Exception {
        Path home = DistributionZip.unzipInto(temp);
        Path work = Files.createDirectories(temp.resolve("work"));
        Path passwords = home.resolve("conf/admin.passwd");
        try (TestProcess passwd = TestProcess.start(
                List.of(
                        home.resolve("bin/starling-passwd").toString(),
                        "-c",
                        "-b",
                        passwords.toString(),
                        USER,
                        PASSWORD),
                work,
                CleanEnvironment.of(Map.of()))) {
            if (passwd.awaitExit(CALL) != 0) {
                throw new AssertionError("starling-passwd failed: " + passwd.output());
            }
        }
        int[] admin = new int[3];
        int[] websocket = new int[3];
        for (int i = 0; i < 3; i++) {
            admin[i] = FreePort.next();
            websocket[i] = FreePort.next();
        }
        ExampleCluster cluster = ExampleCluster.start(
                home,
                work,
                node -> String.join(
                        "\n",
                        "starling.admin.enabled = true",
                        "starling.admin.port = " + admin[node],
                        "starling.admin.password-file = \"" + passwords + "\"",
                        "starling.admin.token = \"" + TOKEN + "\"",
                        "starling.websocket.enabled = true",
                        "starling.websocket.host = \"127.0.0.1\"",
                        "starling.websocket.port = " + websocket[node]));
        AdminCluster started = new AdminCluster(cluster, logs);
        System.arraycopy(admin, 0, started.adminPorts, 0, 3);
        System.arraycopy(websocket, 0, started.websocketPorts, 0, 3);
        return started;
    }

    String baseUrl(int node) {
        return "http://127.0.0.1:" + adminPorts[node];
    }

    /** A call to the node's admin API with the token; state-changing methods carry the custom header. */
    HttpResponse<String> call(int node, String method, String path) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl(node) + path))
                .timeout(CALL)
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (!method.equals("GET")) {
            request.header("X-Starling-Admin", "1");
        }
        return send(request.build());
    }

    HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON object of a GET that must succeed. */
    Map<String, Object> get(int node, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = call(node, "GET", path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return TestJson.object(response.body());
    }

    /** Asks until the answer satisfies {@code condition} (the cluster settles asynchronously), at most 30 s. */
    Map<String, Object> await(int node, String path, Predicate<Map<String, Object>> condition)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Object> answer = get(node, path);
        while (!condition.test(answer)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "GET " + path + " on node " + node + " never satisfied the condition: " + answer);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            answer = get(node, path);
        }
        return answer;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
        cluster.saveLogs(Path.of(System.getProperty("distribution.work.dir"), logs));
    }
}
