package io.starling.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.AuthResult;
import io.starling.spi.Authenticator;
import io.starling.storage.memory.InMemoryStorageProvider;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.PahoClients;
import io.starling.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MQTT over TLS (PEM and PKCS#12, client certificates), WebSocket and WebSocket over TLS, with Paho. */
class ListenersTest {

    @TempDir
    static Path dir;

    private static TestCertificates server;
    private static TestCertificates client;

    @BeforeAll
    static void certificates() throws Exception {
        server = TestCertificates.create(dir, "server", "localhost");
        client = TestCertificates.create(dir, "client", "sensor-7");
    }

    private static void roundTrip(String uri, MqttConnectOptions options) throws Exception {
        try (PahoClients paho = PahoClients.connect(uri, "rt-" + System.nanoTime(), options)) {
            paho.client().subscribe("rt/topic", 1);
            paho.client().publish("rt/topic", "over the wire".getBytes(StandardCharsets.UTF_8), 1, false);
            assertEquals("over the wire", paho.next().text());
        }
    }

    private static MqttConnectOptions tlsOptions(TestCertificates clientCertificate) throws Exception {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(TestCertificates.clientFactory(server, clientCertificate));
        return options;
    }

    @Test
    void tlsWithPkcs12Keystore() throws Exception {
        try (EmbeddedBroker broker =
                EmbeddedBroker.start(server.keystoreSettings().toArray(String[]::new))) {
            roundTrip("ssl://127.0.0.1:" + broker.broker().port("tls"), tlsOptions(null));
        }
    }

    @Test
    void aReconnectingTlsClientResumesItsSession() throws Exception {
        try (EmbeddedBroker broker =
                EmbeddedBroker.start(server.keystoreSettings().toArray(String[]::new))) {
            // One client context, so one client-side session cache, as a device keeps between reconnects.
            SSLSocketFactory factory = TestCertificates.clientFactory(server, null);
            int port = broker.broker().port("tls");
            // TLS 1.2 names a resumed session by the id of the first; TLS 1.3 tickets carry no such id.
            assertArrayEquals(tls12SessionId(factory, port), tls12SessionId(factory, port));
        }
    }

    private static byte[] tls12SessionId(SSLSocketFactory factory, int port) throws Exception {
        try (SSLSocket socket = (SSLSocket) factory.createSocket("127.0.0.1", port)) {
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.startHandshake();
            return socket.getSession().getId();
        }
    }

    @Test
    void tlsWithPemFiles() throws Exception {
        Path cert = server.writeCertificatePem(dir.resolve("server-cert.pem"));
        Path key = server.writeKeyPem(dir.resolve("server-key.pem"));
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                "tls.enabled = true", "tls.cert-file = \"" + cert + "\"", "tls.key-file = \"" + key + "\"")) {
            roundTrip("ssl://127.0.0.1:" + broker.broker().port("tls"), tlsOptions(null));
        }
    }

    @Test
    void requiredClientCertificateIsCheckedAndItsSubjectReachesAuthenticators() throws Exception {
        Path trust = client.writeCertificatePem(dir.resolve("client-ca.pem"));
        List<String> settings = new ArrayList<>(server.keystoreSettings());
        settings.add("tls.client-auth = require");
        settings.add("tls.trust-file = \"" + trust + "\"");
        AtomicReference<String> subject = new AtomicReference<>();
        Authenticator recorder = info -> {
            subject.set(info.tlsSubject());
            return CompletableFuture.completedFuture(AuthResult.NO_OPINION);
        };
        try (EmbeddedBroker broker = EmbeddedBroker.start(
                InMemoryStorageProvider.newStorage(), List.of(recorder), List.of(), settings.toArray(String[]::new))) {
            String uri = "ssl://127.0.0.1:" + broker.broker().port("tls");
            roundTrip(uri, tlsOptions(client));
            assertEquals("CN=sensor-7", subject.get());
            assertThrows(
                    MqttException.class,
                    () -> PahoClients.connect(uri, "no-cert", tlsOptions(null)).close());
        }
    }

    @Test
    void webSocket() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("websocket.enabled = true")) {
            roundTrip("ws://127.0.0.1:" + broker.broker().port("websockets") + "/mqtt", new MqttConnectOptions());
        }
    }

    @Test
    void webSocketOverTls() throws Exception {
        List<String> settings = new ArrayList<>(server.keystoreSettings());
        settings.set(0, "websocket-tls.enabled = true");
        try (EmbeddedBroker broker = EmbeddedBroker.start(settings.toArray(String[]::new))) {
            roundTrip("wss://127.0.0.1:" + broker.broker().port("websockets-tls") + "/mqtt", tlsOptions(null));
        }
    }

    @Test
    void tlsListenerWithoutCertificateStopsStartUp() {
        Exception e = assertThrows(
                Exception.class,
                () -> EmbeddedBroker.start("tls.enabled = true").close());
        assertTrue(e.getMessage().contains("starling.tls"), e.getMessage());
    }
}
