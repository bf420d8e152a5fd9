package io.starling.protocol;

import static io.starling.testing.Mqtt5Wire.connackReason;
import static io.starling.testing.Mqtt5Wire.connect;
import static io.starling.testing.Mqtt5Wire.disconnectReason;
import static io.starling.testing.RawMqttClient.CONNACK;
import static io.starling.testing.RawMqttClient.DISCONNECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.AuthResult;
import io.starling.spi.Authenticator;
import io.starling.storage.memory.InMemoryStorageProvider;
import io.starling.testing.EmbeddedBroker;
import io.starling.testing.RawMqttClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * One auth plugin SPI for every version: an authenticator's answer reaches an MQTT 5 client as
 * its CONNACK reason code and an MQTT 3.1.1 client as the return code it maps to; and a broker
 * that stops tells its MQTT 5 clients (DISCONNECT 0x8B).
 */
class Mqtt5RefusalsTest {

    private static final Map<String, AuthResult> ANSWERS = Map.of(
            "wrong", AuthResult.BAD_USERNAME_OR_PASSWORD,
            "denied", AuthResult.NOT_AUTHORIZED,
            "banned", AuthResult.BANNED,
            "method", AuthResult.BAD_AUTHENTICATION_METHOD);

    private static final Authenticator BY_USER_NAME = info ->
            CompletableFuture.completedFuture(ANSWERS.getOrDefault(String.valueOf(info.username()), AuthResult.ACCEPT));

    private static int mqtt5Refusal(int port, String user) throws Exception {
        try (RawMqttClient client = new RawMqttClient(port)) {
            byte[] userName = new RawMqttClient.Bytes().string(user).toArray();
            client.send(connect("c-" + user, 0x82, 60, new byte[0], userName));
            int code = connackReason(client.expect(CONNACK));
            assertTrue(client.isClosedByServer());
            return code;
        }
    }

    private static int mqtt311Refusal(int port, String user) throws Exception {
        try (RawMqttClient client = new RawMqttClient(port)) {
            client.send(RawMqttClient.connectPacket("MQTT", 4, 0x82, 60, "c-" + user, user));
            return client.expect(CONNACK).body()[1];
        }
    }

    @Test
    void section_3_2_2_2_authenticatorAnswersAreReasonCodesMappedFor311() throws Exception {
        try (EmbeddedBroker broker =
                EmbeddedBroker.start(InMemoryStorageProvider.newStorage(), List.of(BY_USER_NAME), List.of())) {
            int port = broker.port();
            assertEquals(0x86, mqtt5Refusal(port, "wrong"));
            assertEquals(0x87, mqtt5Refusal(port, "denied"));
            assertEquals(0x8A, mqtt5Refusal(port, "banned"));
            assertEquals(0x8C, mqtt5Refusal(port, "method"));
            assertEquals(4, mqtt311Refusal(port, "wrong"));
            assertEquals(5, mqtt311Refusal(port, "denied"));
            assertEquals(5, mqtt311Refusal(port, "banned"));
            assertEquals(5, mqtt311Refusal(port, "method"));
        }
    }

    @Test
    void section_3_14_2_1_stoppingBrokerSendsDisconnect0x8B() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start();
        try (RawMqttClient client = new RawMqttClient(broker.port())) {
            client.send(connect("stay", 0x02, 60, new byte[0]));
            assertEquals(0, connackReason(client.expect(CONNACK)));
            broker.close();
            assertEquals(0x8B, disconnectReason(client.expect(DISCONNECT)));
            assertTrue(client.isClosedByServer());
        } finally {
            broker.close();
        }
    }
}
