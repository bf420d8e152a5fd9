package io.starling.auth;

import static io.starling.auth.Clients.pahoConnack;
import static io.starling.auth.Clients.rawConnect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.auth.password.PasswordFile;
import io.starling.auth.password.PasswordHash;
import io.starling.testing.RawMqttClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in plugins behind a real broker, as MQTT clients see them. */
class BuiltInPluginsTest {

    @TempDir
    Path directory;

    private Path passwords;
    private Path acl;

    @BeforeEach
    void writeFiles() throws Exception {
        passwords = directory.resolve("passwd");
        // Few iterations keep the tests fast; the format is the same as with the default.
        PasswordFile.empty()
                .with("alice", PasswordHash.create("alice-secret".toCharArray(), 1000))
                .with("bob", PasswordHash.create("bob-secret".toCharArray(), 1000))
                .write(passwords);
        acl = Files.write(
                directory.resolve("acl"), List.of("user alice", "topic readwrite home/alice/#", "topic read public/#"));
    }

    private String passwordFile() {
        return "auth.password-file.file = \"" + passwords + "\"";
    }

    @Test
    void passwordFileDecidesTheConnackCode() throws Exception {
        try (AssembledBroker broker = AssembledBroker.start(
                "auth.plugins = [password-file]", passwordFile(), "mqtt.allow-anonymous = false")) {
            assertEquals(0, pahoConnack(broker.url(), "c1", "alice", "alice-secret"));
            assertEquals(4, pahoConnack(broker.url(), "c2", "alice", "wrong"));
            assertEquals(4, pahoConnack(broker.url(), "c3", "mallory", "alice-secret"));
            try (RawMqttClient client = new RawMqttClient(broker.port())) {
                assertEquals(4, rawConnect(client, "c4", "alice", null), "user name without password");
            }
            try (RawMqttClient client = new RawMqttClient(broker.port())) {
                assertEquals(5, rawConnect(client, "c5", null, null), "anonymous while allow-anonymous is off");
            }
        }
    }

    @Test
    void anonymousClientsAreLetInWhenAllowed() throws Exception {
        try (AssembledBroker broker = AssembledBroker.start(
                        "auth.plugins = [password-file]", passwordFile(), "mqtt.allow-anonymous = true");
                RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, rawConnect(client, "anon", null, null));
        }
    }

    @Test
    void aChangedPasswordFileIsUsedOnTheNextConnect() throws Exception {
        try (AssembledBroker broker = AssembledBroker.start("auth.plugins = [password-file]", passwordFile())) {
            assertEquals(0, pahoConnack(broker.url(), "c1", "alice", "alice-secret"));
            PasswordFile.read(passwords)
                    .with("alice", PasswordHash.create("new-secret".toCharArray(), 1000))
                    .with("carol", PasswordHash.create("carol-secret".toCharArray(), 1000))
                    .write(passwords);
            assertEquals(4, pahoConnack(broker.url(), "c2", "alice", "alice-secret"));
            assertEquals(0, pahoConnack(broker.url(), "c3", "alice", "new-secret"));
            assertEquals(0, pahoConnack(broker.url(), "c4", "carol", "carol-secret"));
        }
    }

    @Test
    void clientIdRulesRefuseWithNotAuthorized() throws Exception {
        try (AssembledBroker broker = AssembledBroker.start(
                "auth.plugins = [client-id, password-file]",
                passwordFile(),
                "auth.client-id.allow = [{ user = alice, pattern = \"alice-.*\" }]",
                "auth.client-id.deny = [{ id = banned }]")) {
            assertEquals(0, pahoConnack(broker.url(), "alice-phone", "alice", "alice-secret"));
            assertEquals(5, pahoConnack(broker.url(), "bob-phone", "alice", "alice-secret"));
            assertEquals(4, pahoConnack(broker.url(), "alice-phone", "alice", "wrong"), "credentials still checked");
            assertEquals(0, pahoConnack(broker.url(), "anything", "bob", "bob-secret"));
            assertEquals(5, pahoConnack(broker.url(), "banned", "bob", "bob-secret"));
        }
    }

    @Test
    void aclRefusesSubscriptionsItsReadRulesDoNotCover() throws Exception {
        try (AssembledBroker broker = startWithAcl();
                RawMqttClient client = new RawMqttClient(broker.port())) {
            assertEquals(0, rawConnect(client, "alice-1", "alice", "alice-secret"));
            client.send(RawMqttClient.subscribePacket(1, "home/alice/#", 1, "#", 1, "public/+", 0, "home/+", 1));
            byte[] suback = client.expect(RawMqttClient.SUBACK).body();
            assertArrayEquals(
                    new byte[] {0x01, (byte) 0x80, 0x00, (byte) 0x80},
                    Arrays.copyOfRange(suback, 2, suback.length),
                    "return codes after the packet id");
        }
    }

    @Test
    void aclRefusedPublishIsAcknowledgedButNotDelivered() throws Exception {
        try (AssembledBroker broker = startWithAcl();
                RawMqttClient subscriber = new RawMqttClient(broker.port());
                RawMqttClient publisher = new RawMqttClient(broker.port())) {
            assertEquals(0, rawConnect(subscriber, "alice-sub", "alice", "alice-secret"));
            subscriber.send(RawMqttClient.subscribePacket(1, "home/alice/#", 1, "public/#", 1));
            subscriber.expect(RawMqttClient.SUBACK);
            assertEquals(0, rawConnect(publisher, "alice-pub", "alice", "alice-secret"));

            publisher.send(RawMqttClient.publishPacket("public/news", 1, 1, "refused"));
            assertEquals(1, publisher.expect(RawMqttClient.PUBACK).packetId(), "refused, yet acknowledged");
            publisher.send(RawMqttClient.publishPacket("home/alice/lamp", 1, 2, "allowed"));
            assertEquals(2, publisher.expect(RawMqttClient.PUBACK).packetId());

            // One publisher's messages arrive in order: the first one delivered is the allowed one.
            String delivered =
                    new String(subscriber.expect(RawMqttClient.PUBLISH).body(), StandardCharsets.UTF_8);
            assertTrue(delivered.startsWith("\0\u000Fhome/alice/lamp") && delivered.endsWith("allowed"), delivered);
        }
    }

    private AssembledBroker startWithAcl() throws InterruptedException {
        return AssembledBroker.start(
                "auth.plugins = [password-file, acl-file]", passwordFile(), "auth.acl-file.file = \"" + acl + "\"");
    }
}
