package io.starling.protocol;

import static io.starling.testing.Mqtt5Wire.auth;
import static io.starling.testing.Mqtt5Wire.authReason;
import static io.starling.testing.Mqtt5Wire.authentication;
import static io.starling.testing.Mqtt5Wire.connackProperties;
import static io.starling.testing.Mqtt5Wire.connackReason;
import static io.starling.testing.Mqtt5Wire.connect;
import static io.starling.testing.Mqtt5Wire.disconnectReason;
import static io.starling.testing.Mqtt5Wire.publish;
import static io.starling.testing.Mqtt5Wire.publishTopic;
import static io.starling.testing.Mqtt5Wire.reasonCodeProperties;
import static io.starling.testing.Mqtt5Wire.subscribe;
import static io.starling.testing.RawMqttClient.AUTH;
import static io.starling.testing.RawMqttClient.CONNACK;
import static io.starling.testing.RawMqttClient.DISCONNECT;
import static io.starling.testing.RawMqttClient.PINGRESP;
import static io.starling.testing.RawMqttClient.PUBLISH;
import static io.starling.testing.RawMqttClient.SUBACK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.protocol.mqtt5.PropertyId;
import io.starling.spi.AuthExchange;
import io.starling.spi.AuthResult;
import io.starling.spi.AuthStep;
import io.starling.spi.Authenticator;
import io.starling.spi.ConnectInfo;
import io.starling.storage.memory.InMemoryStorageProvider;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import io.starling.testing.RawMqttClient.Packet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQTT 5 enhanced authentication (section 4.12) over raw sockets, through the auth plugin SPI:
 * CONNECT, AUTH challenges, CONNACK, and re-authentication of a live connection. Each test
 * names the normative statement it holds.
 */
class Mqtt5EnhancedAuthTest {

    private static final String METHOD = "reverse";
    private static final byte[] WELCOME = bytes("welcome");

    /**
     * Method "reverse": a challenge with a fresh nonce, answered by the nonce reversed; clients
     * listed in {@link #revoked} fail their re-authentication. Password logins: no opinion.
     */
    private static final class ReverseChallenge implements Authenticator {

        final Set<String> revoked = ConcurrentHashMap.newKeySet();
        private final AtomicInteger nonces = new AtomicInteger();

        @Override
        public CompletionStage<AuthResult> authenticate(ConnectInfo info) {
            return CompletableFuture.completedFuture(AuthResult.NO_OPINION);
        }

        @Override
        public CompletionStage<AuthStep> authenticate(AuthExchange exchange) {
            if (!exchange.method().equals(METHOD)) {
                return CompletableFuture.completedFuture(AuthStep.noOpinion());
            }
            if (exchange.isFirstStep()) {
                if (exchange.reauthentication()
                        && revoked.contains(exchange.connect().clientId())) {
                    return CompletableFuture.completedFuture(AuthStep.refuse(AuthResult.NOT_AUTHORIZED));
                }
                byte[] nonce = bytes("nonce-" + nonces.incrementAndGet());
                return CompletableFuture.completedFuture(AuthStep.challenge(nonce, nonce));
            }
            boolean right = java.util.Arrays.equals(reversed((byte[]) exchange.state()), exchange.data());
            return CompletableFuture.completedFuture(
                    right ? AuthStep.success(WELCOME) : AuthStep.refuse(AuthResult.BAD_USERNAME_OR_PASSWORD));
        }
    }

    private static final ReverseChallenge AUTHENTICATOR = new ReverseChallenge();
    private static EmbeddedBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedBroker.start(
                InMemoryStorageProvider.newStorage(),
                List.of(AUTHENTICATOR),
                List.of(),
                "mqtt.connect-timeout = 2s",
                "mqtt.allow-anonymous = true");
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] reversed(byte[] data) {
        byte[] copy = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            copy[i] = data[data.length - 1 - i];
        }
        return copy;
    }

    /** The Authentication Data of an AUTH or CONNACK's properties. */
    private static byte[] data(Map<PropertyId, List<Object>> properties) {
        return (byte[]) properties.get(PropertyId.AUTHENTICATION_DATA).get(0);
    }

    /** Reads the broker's AUTH 0x18 and answers it with the nonce reversed. */
    private static void answerChallenge(RawMqttClient client) throws Exception {
        Packet challenge = client.expect(AUTH);
        assertEquals(0x18, authReason(challenge), "[MQTT-4.12.0-2]");
        Map<PropertyId, List<Object>> properties = reasonCodeProperties(challenge);
        assertEquals(List.of(METHOD), properties.get(PropertyId.AUTHENTICATION_METHOD), "[MQTT-4.12.0-5]");
        client.send(auth(0x18, METHOD, reversed(data(properties))));
    }

    /**
     * The properties of the packet ending an exchange carry the method [MQTT-4.12.0-5] and the
     * plugin's data, and the connection goes on.
     */
    private static void assertAuthenticated(RawMqttClient client, Map<PropertyId, List<Object>> properties)
            throws Exception {
        assertEquals(List.of(METHOD), properties.get(PropertyId.AUTHENTICATION_METHOD), "[MQTT-4.12.0-5]");
        assertArrayEquals(WELCOME, data(properties));
        client.send(RawMqttClient.pingreq());
        client.expect(PINGRESP);
    }

    /** A client authenticated with the method. */
    private static RawMqttClient authenticated(String clientId) throws Exception {
        RawMqttClient client = new RawMqttClient(broker.port());
        client.send(connect(clientId, 0x02, 60, authentication(METHOD, bytes("hello"))));
        answerChallenge(client);
        assertEquals(0, connackReason(client.expect(CONNACK)));
        return client;
    }

    @Test
    void mqtt_4_12_0_2_and_5_connectAuthConnackCarriesTheMethod() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("challenged", 0x02, 60, authentication(METHOD, bytes("hello"))));
            answerChallenge(client);
            Packet connack = client.expect(CONNACK);
            assertEquals(0, connackReason(connack));
            assertAuthenticated(client, connackProperties(connack));
        }
    }

    @Test
    void mqtt_4_12_0_1_aMethodNoPluginKnowsGetsBadAuthenticationMethod() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("unknown-method", 0x02, 60, authentication("SCRAM-SHA-1", null)));
            assertEquals(0x8C, connackReason(client.expect(CONNACK)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void mqtt_4_12_0_4_aWrongAnswerIsRefusedAndClosed() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("wrong-answer", 0x02, 60, authentication(METHOD, null)));
            client.expect(AUTH);
            client.send(auth(0x18, METHOD, bytes("not the nonce")));
            assertEquals(0x86, connackReason(client.expect(CONNACK)));
            assertTrue(client.isClosedByServer());
        }
    }

    /** Wrong answers count as failed logins: a guesser is held back before any plugin is asked. */
    @Test
    void wrongAnswersHoldTheGuesserBackAsWrongPasswordsDo() throws Exception {
        try (EmbeddedBroker guarded = EmbeddedBroker.start(
                InMemoryStorageProvider.newStorage(),
                List.of(new ReverseChallenge()),
                List.of(),
                "auth.failed-logins.max-per-address = 2")) {
            for (int i = 0; i < 2; i++) {
                try (RawMqttClient guesser = new RawMqttClient(guarded.port())) {
                    guesser.send(connect("guesser", 0x02, 60, authentication(METHOD, null)));
                    guesser.expect(AUTH);
                    guesser.send(auth(0x18, METHOD, bytes("a guess")));
                    assertEquals(0x86, connackReason(guesser.expect(CONNACK)));
                }
            }
            try (RawMqttClient held = new RawMqttClient(guarded.port())) {
                held.send(connect("guesser", 0x02, 60, authentication(METHOD, null)));
                // No challenge: refused before the plugin is asked.
                assertEquals(0x87, connackReason(held.expect(CONNACK)));
                assertTrue(held.isClosedByServer());
            }
        }
    }

    @Test
    void mqtt_4_12_0_6_withoutMethodNoAuthPacketAndNoMethodInConnack() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("plain", 0x02, 60, new byte[0]));
            Packet connack = client.expect(CONNACK);
            assertEquals(0, connackReason(connack));
            assertNull(connackProperties(connack).get(PropertyId.AUTHENTICATION_METHOD));
        }
    }

    @Test
    void mqtt_4_12_0_7_anAuthWithoutMethodInConnectIsAProtocolError() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("plain-auth", 0x02, 60, new byte[0]));
            assertEquals(0, connackReason(client.expect(CONNACK)));
            client.send(auth(0x19, METHOD, null));
            assertEquals(0x82, disconnectReason(client.expect(DISCONNECT)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void mqtt_3_1_2_30_onlyAuthOrDisconnectBeforeConnack() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("eager", 0x02, 60, authentication(METHOD, null)));
            client.expect(AUTH);
            client.send(publish("eager/topic", 0, 0, new byte[0], "too early"));
            assertEquals(0x82, connackReason(client.expect(CONNACK)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void mqtt_4_12_0_4_aClientThatDoesNotAnswerIsRefusedAfterTheConnectTimeout() throws Exception {
        try (RawMqttClient client = new RawMqttClient(broker.port(), 20_000)) {
            client.send(connect("silent", 0x02, 60, authentication(METHOD, null)));
            client.expect(AUTH);
            assertEquals(0x87, connackReason(client.expect(CONNACK)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void mqtt_4_12_1_1_reauthenticationOnALiveConnection() throws Exception {
        try (RawMqttClient client = authenticated("reauth")) {
            client.send(subscribe(1, new byte[0], "reauth/#", 0));
            client.expect(SUBACK);
            client.send(auth(0x19, METHOD, null));
            Packet challenge = client.expect(AUTH);
            assertEquals(0x18, authReason(challenge));
            // The connection goes on while the re-authentication runs (section 4.12.1).
            client.send(publish("reauth/during", 0, 0, new byte[0], "still connected"));
            assertEquals("reauth/during", publishTopic(client.expect(PUBLISH)));
            client.send(auth(0x18, METHOD, reversed(data(reasonCodeProperties(challenge)))));
            Packet done = client.expect(AUTH);
            assertEquals(0x00, authReason(done));
            assertAuthenticated(client, reasonCodeProperties(done));
        }
    }

    @Test
    void mqtt_4_12_1_1_reauthenticationWithAnotherMethodIsAProtocolError() throws Exception {
        try (RawMqttClient client = authenticated("other-method")) {
            client.send(auth(0x19, "SCRAM-SHA-256", null));
            assertEquals(0x82, disconnectReason(client.expect(DISCONNECT)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void mqtt_4_12_1_2_aFailedReauthenticationDisconnectsWithTheReasonCode() throws Exception {
        try (RawMqttClient client = authenticated("revoked")) {
            AUTHENTICATOR.revoked.add("revoked");
            client.send(auth(0x19, METHOD, null));
            assertEquals(0x87, disconnectReason(client.expect(DISCONNECT)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void mqtt_4_12_1_2_aWrongAnswerToAReauthenticationChallengeDisconnects() throws Exception {
        try (RawMqttClient client = authenticated("reauth-wrong")) {
            client.send(auth(0x19, METHOD, null));
            client.expect(AUTH);
            client.send(auth(0x18, METHOD, bytes("wrong")));
            // 0x86 may not be sent in DISCONNECT: not authorized.
            assertEquals(0x87, disconnectReason(client.expect(DISCONNECT)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void aClientThatDoesNotAnswerAReauthenticationChallengeIsDisconnected() throws Exception {
        try (RawMqttClient client = authenticated("reauth-silent")) {
            client.send(auth(0x19, METHOD, null));
            client.expect(AUTH);
            // No answer: after the connect timeout (2 s here) the earlier authentication no longer holds.
            assertEquals(0x87, disconnectReason(client.expect(DISCONNECT)));
            assertTrue(client.isClosedByServer());
        }
    }

    @Test
    void section_4_12_anAuthTheBrokerDidNotAskForIsAProtocolError() throws Exception {
        try (RawMqttClient client = authenticated("unasked")) {
            client.send(auth(0x18, METHOD, bytes("unasked")));
            assertEquals(0x82, disconnectReason(client.expect(DISCONNECT)));
            assertTrue(client.isClosedByServer());
        }
    }
}
