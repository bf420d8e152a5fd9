package io.starling.distribution;

import static io.starling.distribution.DistributionZip.property;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.starling.testing.ExternalTool;
import io.starling.testing.PluginJars;
import io.starling.testing.TestCertificates;
import io.starling.testing.TestProcess;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built zip as a user meets it: unzipped into a directory whose path has a space,
 * started with {@code bin/starling} from another directory, used by mosquitto_pub/sub, Paho
 * and MQTT.js over 127.0.0.1, stopped with SIGTERM, started again.
 */
class DistributionIT {

    private static final Pattern LISTENING = Pattern.compile("Opening ipv4 listen socket on 127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(30);
    private static final Duration CLIENT = Duration.ofSeconds(20);
    /** The listener on loopback and a port the system picks (the log line tells which). */
    private static final Map<String, String> LOOPBACK = Map.of(
            "STARLING_LISTENER_HOST",
            "127.0.0.1",
            "STARLING_LISTENER_PORT",
            "0",
            "STARLING_HTTP_HOST",
            "127.0.0.1",
            "STARLING_HTTP_PORT",
            "0");
    /** The same in a configuration file, for the tests that include the shipped configuration. */
    private static final String LOOPBACK_CONF = "starling.listener.host = \"127.0.0.1\"\n"
            + "starling.listener.port = 0\n"
            + "starling.http.host = \"127.0.0.1\"\n"
            + "starling.http.port = 0\n";

    @TempDir
    static Path temp;

    private static String version;
    private static Path home;
    /** The current directory of every script started here: not the installation. */
    private static Path elsewhere;

    private static Path mqttJs;
    private static TestProcess npm;

    @BeforeAll
    static void unzipAndInstallMqttJs() throws Exception {
        List.of("mosquitto_pub", "mosquitto_sub", "npm", "node").forEach(ExternalTool::require);
        version = property("distribution.version");
        Path parent = Files.createDirectories(temp.resolve("install dir"));
        home = DistributionZip.unzipInto(parent);
        elsewhere = Files.createDirectories(temp.resolve("elsewhere"));

        // MQTT.js installs (from the committed lock file) while the other tests run.
        mqttJs = Files.createDirectories(Path.of(property("distribution.work.dir"), "mqtt-js"));
        for (String file : List.of("package.json", "package-lock.json", "roundtrip.js")) {
            Files.copy(
                    Path.of(property("distribution.js.dir"), file),
                    mqttJs.resolve(file),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        npm = TestProcess.start(List.of("npm", "ci", "--no-audit", "--no-fund"), mqttJs, environment(Map.of()));
    }

    @AfterAll
    static void stopNpm() throws InterruptedException {
        if (npm != null) {
            npm.close();
        }
    }

    @Test
    void zipHasTheDocumentedLayout() throws IOException {
        for (String dir : List.of("bin", "conf", "examples", "lib", "plugins", "data", "logs", "docs")) {
            assertTrue(Files.isDirectory(home.resolve(dir)), dir);
        }
        for (String script : List.of("bin/starling", "bin/starling-passwd")) {
            assertTrue(Files.isExecutable(home.resolve(script)), script);
        }
        for (String file : List.of(
                "bin/starling.cmd",
                "bin/starling-passwd.cmd",
                "conf/starling.conf",
                "conf/logback.xml",
                "plugins/README.md",
                "LICENSE",
                "NOTICE",
                "README",
                "docs/OPERATIONS.md",
                "docs/CLUSTER.md",
                "docs/systemd/starling.service",
                "examples/cluster/haproxy.cfg",
                "examples/cluster/node1.conf",
                "lib/broker-core-" + version + ".jar")) {
            assertTrue(Files.isRegularFile(home.resolve(file)), file);
        }
        assertTrue(
                Files.readString(home.resolve("README")).startsWith("Starling " + version), "README names the version");
    }

    /**
     * Keeps conf/starling.conf in step with the modules: every key of every reference.conf in
     * lib/ is listed there, and every key listed there exists.
     */
    @Test
    void confListsExactlyTheKeysOfTheReferenceConfs() throws IOException {
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            for (Path jar : lib.toList()) {
                jars.add(jar.toUri().toURL());
            }
        }
        Config reference;
        try (URLClassLoader loader =
                new URLClassLoader(jars.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            reference = ConfigFactory.parseResources(loader, "reference.conf");
        }
        String conf = Files.readString(home.resolve("conf/starling.conf"));
        List<String> missing = reference.withOnlyPath("starling").entrySet().stream()
                .map(Map.Entry::getKey)
                .filter(key -> !Pattern.compile("(?m)^#?" + Pattern.quote(key) + " = ")
                        .matcher(conf)
                        .find())
                .sorted()
                .toList();
        assertTrue(reference.hasPath("starling.listener.port"), "reference.conf read from lib/");
        assertEquals(List.of(), missing, "keys missing from conf/starling.conf (as '#key = default')");
        List<String> unknown = Pattern.compile("(?m)^#?(starling\\.[A-Za-z0-9._-]+) = ")
                .matcher(conf)
                .results()
                .map(match -> match.group(1))
                .filter(key -> !reference.hasPath(key))
                .toList();
        assertEquals(List.of(), unknown, "keys in conf/starling.conf that no reference.conf declares");
    }

    @Test
    void servesMqttClientsStopsCleanlyOnSigtermAndStartsAgain() throws Exception {
        // The shipped configuration, with the listener moved to loopback; -c relative to the current directory.
        Files.writeString(
                elsewhere.resolve("e2e.conf"),
                "include file(\"" + home.resolve("conf/starling.conf") + "\")\n" + LOOPBACK_CONF);
        try (TestProcess broker = startStarling(List.of("-c", "e2e.conf", "-v"), Map.of())) {
            int port = Integer.parseInt(broker.awaitLine(LISTENING, START).group(1));
            assertTrue(broker.output().contains("Starling " + version + " starting."), broker.output());
            // The script exec'd Java (so signals reach it), in the installation directory (where
            // relative paths of the configuration resolve).
            Path proc = Path.of("/proc", Long.toString(broker.pid()));
            assertTrue(Files.readSymbolicLink(proc.resolve("exe")).endsWith("java"), "the script's process is java");
            assertEquals(home.toRealPath(), Files.readSymbolicLink(proc.resolve("cwd")));
            // This Java (17.0.9 or newer) started with the native heap trimmed.
            assertTrue(
                    Files.readString(proc.resolve("cmdline")).contains("-XX:TrimNativeHeapInterval=5000"),
                    "the broker's command line");

            mosquittoRoundTrips(broker, port);
            pahoRoundTrip(port, "paho-e2e");
            queueForOfflinePersistentSession(port);
            mqttJsRoundTrip("mqtt://127.0.0.1:" + port);
            broker.awaitLine(Pattern.compile("Received PUBLISH from mqttjs-e2e \\(d0, q1"), CLIENT);

            String log = Files.readString(home.resolve("logs/starling.log"));
            assertTrue(log.contains("Opening ipv4 listen socket on 127.0.0.1:" + port), "logs/starling.log:\n" + log);

            broker.terminate();
            assertEquals(0, broker.awaitExit(STOP), broker.output());
            assertTrue(broker.output().contains("Broker stopped."), broker.output());
        }
        // Again, through a symlink to the script (as from /usr/local/bin), with the installation's own
        // conf/starling.conf (no -c) and the listener from the environment.
        Path link = Files.createSymbolicLink(elsewhere.resolve("starling-link"), home.resolve("bin/starling"));
        try (TestProcess broker = TestProcess.start(List.of(link.toString()), elsewhere, environment(LOOPBACK))) {
            int port = Integer.parseInt(broker.awaitLine(LISTENING, START).group(1));
            pahoRoundTrip(port, "paho-after-restart");
            // The shipped configuration stores on disk (MapDB under data/): what the first run
            // acknowledged is still there.
            assertEquals("kept", receiveOne(port, "retained-after-restart", true, "e2e/retained"));
            assertEquals("queued", receiveOne(port, PERSISTENT_CLIENT, false, "e2e/queued"));
            broker.terminate();
            assertEquals(0, broker.awaitExit(STOP), broker.output());
        }
    }

    @Test
    void servesTlsWebSocketAndMetrics() throws Exception {
        TestCertificates certificate = TestCertificates.create(temp, "e2e-server", "localhost");
        Path caFile = certificate.writeCertificatePem(temp.resolve("e2e-server.pem"));
        Files.writeString(
                elsewhere.resolve("listeners.conf"),
                "include file(\"" + home.resolve("conf/starling.conf")
                        + "\")\n" + LOOPBACK_CONF
                        + "starling.tls { enabled = true, host = \"127.0.0.1\", port = 0, keystore-file = \""
                        + certificate.keystore() + "\", keystore-password = \"" + TestCertificates.PASSWORD + "\" }\n"
                        + "starling.websocket { enabled = true, host = \"127.0.0.1\", port = 0 }\n");
        try (TestProcess broker = startStarling(List.of("-c", "listeners.conf", "-v"), Map.of())) {
            int tlsPort = port(broker, "tls");
            int webSocketPort = port(broker, "websockets");
            int httpPort = port(broker, "http");

            List<String> tls = List.of(
                    "-h", "127.0.0.1", "-p", Integer.toString(tlsPort), "-q", "1", "--cafile", caFile.toString());
            run(concat(List.of("mosquitto_pub", "-i", "tls-pub", "-r", "-t", "e2e/tls", "-m", "secure"), tls));
            try (TestProcess sub = TestProcess.start(
                    concat(
                            List.of(
                                    "mosquitto_sub",
                                    "-i",
                                    "tls-sub",
                                    "-t",
                                    "e2e/tls",
                                    "-F",
                                    "%q %r %t %p",
                                    "-C",
                                    "1",
                                    "-W",
                                    "10"),
                            tls),
                    elsewhere,
                    environment(Map.of()))) {
                assertEquals(0, sub.awaitExit(CLIENT), sub.output());
                assertEquals("1 1 e2e/tls secure", sub.output());
            }
            MqttConnectOptions options = new MqttConnectOptions();
            options.setSocketFactory(TestCertificates.clientFactory(certificate, null));
            pahoRoundTrip("ssl://127.0.0.1:" + tlsPort, "paho-tls", options);
            mqttJsRoundTrip("ws://127.0.0.1:" + webSocketPort + "/mqtt");

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metrics.statusCode());
            Matcher total =
                    Pattern.compile("\nstarling_connections_total (\\d+)\n").matcher(metrics.body());
            assertTrue(total.find(), metrics.body());
            assertTrue(
                    Long.parseLong(total.group(1)) >= 4, "TLS, Paho and MQTT.js clients counted:\n" + metrics.body());
            assertEquals(
                    200,
                    http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode());

            broker.terminate();
            assertEquals(0, broker.awaitExit(STOP), broker.output());
        }
    }

    @Test
    void passwordFileWrittenWithStarlingPasswdAndAclFileAreEnforced() throws Exception {
        run(List.of(
                home.resolve("bin/starling-passwd").toString(),
                "-b",
                home.resolve("conf/passwd").toString(),
                "alice",
                "wonderland"));
        Files.writeString(
                elsewhere.resolve("auth.conf"),
                "include file(\"" + home.resolve("conf/starling.conf")
                        + "\")\n" + LOOPBACK_CONF
                        + "starling.mqtt.allow-anonymous = false\n"
                        + "starling.auth.plugins = [password-file, acl-file]\n");
        try (TestProcess broker = startStarling(List.of("-c", "auth.conf"), Map.of())) {
            int port = Integer.parseInt(broker.awaitLine(LISTENING, START).group(1));
            assertEquals(0, connack(port, "alice-1", "alice", "wonderland"));
            assertEquals(4, connack(port, "alice-2", "alice", "wrong"));
            assertEquals(4, connack(port, "mallory-1", "mallory", "wonderland"));
            assertEquals(5, connack(port, "anonymous-1", null, null));
            broker.terminate();
            assertEquals(0, broker.awaitExit(STOP), broker.output());
        }
    }

    @Test
    void aPluginJarDroppedIntoPluginsIsLoaded() throws Exception {
        PluginJars.project(
                Path.of("..", "auth-plugins", "example-plugin"),
                temp,
                home.resolve("plugins/starling-example-plugin.jar"));
        Files.writeString(
                elsewhere.resolve("plugin.conf"),
                "include file(\"" + home.resolve("conf/starling.conf")
                        + "\")\n" + LOOPBACK_CONF
                        + "starling.mqtt.allow-anonymous = false\n"
                        + "starling.auth.plugins = [shared-secret]\n"
                        + "starling.auth.shared-secret.secret = \"open-sesame\"\n");
        try (TestProcess broker = startStarling(List.of("-c", "plugin.conf"), Map.of())) {
            int port = Integer.parseInt(broker.awaitLine(LISTENING, START).group(1));
            assertEquals(0, connack(port, "plugin-1", "anyone", "open-sesame"));
            assertEquals(4, connack(port, "plugin-2", "anyone", "guess"));
            broker.terminate();
            assertEquals(0, broker.awaitExit(STOP), broker.output());
        } finally {
            Files.delete(home.resolve("plugins/starling-example-plugin.jar"));
        }
    }

    /** The CONNACK return code Paho gets for these credentials (0 when accepted). */
    private static int connack(int port, String clientId, String username, String password) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        try {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setConnectionTimeout((int) CLIENT.toSeconds());
            if (username != null) {
                options.setUserName(username);
                options.setPassword(password.toCharArray());
            }
            client.connect(options);
            client.disconnect();
            return 0;
        } catch (MqttException e) {
            return e.getReasonCode();
        } finally {
            client.close(true);
        }
    }

    /** The port a listener reports in its start-up line. */
    private static int port(TestProcess broker, String listener) throws Exception {
        return Integer.parseInt(broker.awaitLine(
                        Pattern.compile("Opening " + listener + " listen socket on 127\\.0\\.0\\.1:(\\d+)"), START)
                .group(1));
    }

    @Test
    void badConfigurationStopsStartUpNamingTheKey() throws Exception {
        Files.writeString(elsewhere.resolve("bad.conf"), "starling.mqtt.max-inflight = 4\n");
        try (TestProcess broker = startStarling(List.of("-c", "bad.conf"), LOOPBACK)) {
            assertNotEquals(0, broker.awaitExit(START), broker.output());
            assertTrue(broker.output().contains("starling.mqtt.max-inflight"), broker.output());
        }
    }

    @Test
    void refusesJavaOlderThan17() throws Exception {
        Map<String, String> environment = environment(LOOPBACK);
        environment.put(
                "JAVA_HOME", FakeJdk.create(temp, "old jdk", "11.0.2").home().toString());
        try (TestProcess starling =
                TestProcess.start(List.of(home.resolve("bin/starling").toString()), elsewhere, environment)) {
            assertEquals(1, starling.awaitExit(START), starling.output());
            assertTrue(starling.output().contains("needs Java 17 or newer"), starling.output());
            assertTrue(starling.output().contains("11.0.2"), starling.output());
        }
    }

    /** Only JVMs that know the option get it: an older one would refuse to start. */
    @ParameterizedTest
    @CsvSource({
        "17.0.8, false",
        "17.0.9, true",
        "17.0.15, true",
        "20.0.2, false",
        "21, false",
        "21.0.1, true",
        "25.0.1, true",
        "26-ea, true"
    })
    void trimsTheNativeHeapOnJavaVersionsThatCan(String javaVersion, boolean trims) throws Exception {
        FakeJdk jdk = FakeJdk.create(temp, "jdk " + javaVersion, javaVersion);
        Map<String, String> environment = environment(LOOPBACK);
        environment.put("JAVA_HOME", jdk.home().toString());
        try (TestProcess starling =
                TestProcess.start(List.of(home.resolve("bin/starling").toString()), elsewhere, environment)) {
            assertEquals(0, starling.awaitExit(START), starling.output());
        }
        List<String> arguments = jdk.arguments();
        assertTrue(arguments.contains("io.starling.Main"), arguments::toString);
        assertEquals(trims, arguments.contains("-XX:TrimNativeHeapInterval=5000"), arguments::toString);
    }

    @Test
    void passwdToolSaysSoWhenItsClassIsMissing() throws Exception {
        // The zip's scripts in an installation with an empty lib/: no auth-plugins jar.
        Path bare = temp.resolve("bare install");
        Files.createDirectories(bare.resolve("lib"));
        Files.createDirectories(bare.resolve("bin"));
        for (String script : List.of("bin/starling-passwd", "bin/starling-env")) {
            Files.copy(home.resolve(script), bare.resolve(script), StandardCopyOption.COPY_ATTRIBUTES);
        }
        try (TestProcess passwd = TestProcess.start(
                List.of(bare.resolve("bin/starling-passwd").toString()), elsewhere, environment(Map.of()))) {
            assertEquals(1, passwd.awaitExit(START), passwd.output());
            assertTrue(passwd.output().contains("io.starling.auth.passwd.PasswdTool is not in"), passwd.output());
        }
    }

    /** mosquitto_pub/mosquitto_sub: a retained message at QoS 1, and QoS 1 to a live subscriber. */
    private static void mosquittoRoundTrips(TestProcess starling, int port) throws Exception {
        List<String> broker = List.of("-h", "127.0.0.1", "-p", Integer.toString(port), "-q", "1");
        // mosquitto_sub prints "QoS retain-flag topic payload" for each message.
        List<String> format = List.of("-F", "%q %r %t %p", "-C", "1", "-W", "10");
        run(concat(List.of("mosquitto_pub", "-i", "pub-retained", "-r", "-t", "e2e/retained", "-m", "kept"), broker));
        try (TestProcess sub = TestProcess.start(
                concat(List.of("mosquitto_sub", "-i", "sub-retained", "-t", "e2e/retained"), concat(broker, format)),
                elsewhere,
                environment(Map.of()))) {
            assertEquals(0, sub.awaitExit(CLIENT), sub.output());
            assertEquals("1 1 e2e/retained kept", sub.output());
        }
        try (TestProcess sub = TestProcess.start(
                concat(List.of("mosquitto_sub", "-i", "sub-qos1", "-t", "e2e/qos1"), concat(broker, format)),
                elsewhere,
                environment(Map.of()))) {
            // Publish once the subscription is in place (mosquitto_sub's own output is buffered in a pipe).
            starling.awaitLine(Pattern.compile("Sending SUBACK to sub-qos1"), CLIENT);
            run(concat(List.of("mosquitto_pub", "-i", "pub-qos1", "-t", "e2e/qos1", "-m", "hello"), broker));
            assertEquals(0, sub.awaitExit(CLIENT), sub.output());
            assertEquals("1 0 e2e/qos1 hello", sub.output());
        }
    }

    private static final String PERSISTENT_CLIENT = "persistent-e2e";

    /** A persistent session subscribes and goes offline; a QoS 1 message is then queued for it. */
    private static void queueForOfflinePersistentSession(int port) throws Exception {
        MqttClient subscriber = new MqttClient("tcp://127.0.0.1:" + port, PERSISTENT_CLIENT, new MemoryPersistence());
        try {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(false);
            subscriber.connect(options);
            subscriber.subscribe("e2e/queued", 1);
            subscriber.disconnect();
        } finally {
            subscriber.close(true);
        }
        MqttClient publisher = new MqttClient("tcp://127.0.0.1:" + port, "queue-publisher", new MemoryPersistence());
        try {
            publisher.connect();
            publisher.publish("e2e/queued", "queued".getBytes(UTF_8), 1, false);
            publisher.disconnect();
        } finally {
            publisher.close(true);
        }
    }

    /** Connects, subscribes to {@code topic} at QoS 1 and returns the first payload that arrives. */
    private static String receiveOne(int port, String clientId, boolean cleanSession, String topic) throws Exception {
        MqttClient client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        client.setTimeToWait(CLIENT.toMillis());
        try {
            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            client.setCallback(new QueueingCallback(received));
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(cleanSession);
            client.connect(options);
            if (cleanSession) {
                client.subscribe(topic, 1);
            }
            MqttMessage message = received.poll(CLIENT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(message, clientId + " received a message on " + topic);
            client.disconnect();
            return new String(message.getPayload(), UTF_8);
        } finally {
            client.close(true);
        }
    }

    private static void pahoRoundTrip(int port, String clientId) throws Exception {
        pahoRoundTrip("tcp://127.0.0.1:" + port, clientId, new MqttConnectOptions());
    }

    private static void pahoRoundTrip(String uri, String clientId, MqttConnectOptions options) throws Exception {
        MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
        client.setTimeToWait(CLIENT.toMillis());
        try {
            options.setCleanSession(true);
            options.setConnectionTimeout((int) CLIENT.toSeconds());
            client.connect(options);
            BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
            client.subscribe("e2e/paho", 1, (topic, message) -> received.add(message));
            client.publish("e2e/paho", "from paho".getBytes(UTF_8), 1, false);
            MqttMessage message = received.poll(CLIENT.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(message, "Paho received its own QoS 1 message");
            assertEquals("from paho", new String(message.getPayload(), UTF_8));
            assertEquals(1, message.getQos());
            client.disconnect();
        } finally {
            client.close(true);
        }
    }

    private static void mqttJsRoundTrip(String url) throws Exception {
        assertEquals(0, npm.awaitExit(Duration.ofMinutes(3)), "npm ci failed:\n" + npm.output());
        try (TestProcess node =
                TestProcess.start(List.of("node", "roundtrip.js", url), mqttJs, environment(Map.of()))) {
            assertEquals(0, node.awaitExit(CLIENT), node.output());
        }
    }

    private static TestProcess startStarling(List<String> args, Map<String, String> extraEnvironment)
            throws IOException {
        return TestProcess.start(
                concat(List.of(home.resolve("bin/starling").toString()), args),
                elsewhere,
                environment(extraEnvironment));
    }

    private static void run(List<String> command) throws Exception {
        try (TestProcess proc = TestProcess.start(command, elsewhere, environment(Map.of()))) {
            assertEquals(0, proc.awaitExit(CLIENT), command + ":\n" + proc.output());
        }
    }

    private static Map<String, String> environment(Map<String, String> extra) {
        return CleanEnvironment.of(extra);
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
