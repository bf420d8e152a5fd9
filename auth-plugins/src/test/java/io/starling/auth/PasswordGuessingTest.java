package io.starling.auth;

import static io.starling.auth.Clients.rawConnect;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.auth.password.PasswordFile;
import io.starling.auth.password.PasswordHash;
import io.starling.testing.RawMqttClient;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Password guessers against a real broker with the password-file plugin, over real sockets:
 * several source addresses are 127.0.0.x, all of them this machine's loopback.
 */
class PasswordGuessingTest {

    private static final String GUESSER = "127.0.0.2";

    @TempDir
    Path directory;

    private Path passwords;

    @BeforeEach
    void writePasswords() throws Exception {
        passwords = directory.resolve("passwd");
        PasswordFile.empty()
                .with("alice", PasswordHash.create("alice-secret".toCharArray(), PasswordHash.DEFAULT_ITERATIONS))
                .with("bob", PasswordHash.create("bob-secret".toCharArray(), PasswordHash.DEFAULT_ITERATIONS))
                .write(passwords);
    }

    private AssembledBroker broker(String... limits) throws InterruptedException {
        String[] settings = new String[limits.length + 3];
        settings[0] = "auth.plugins = [password-file]";
        settings[1] = "auth.password-file.file = \"" + passwords + "\"";
        settings[2] = "mqtt.allow-anonymous = false";
        System.arraycopy(limits, 0, settings, 3, limits.length);
        return AssembledBroker.start(settings);
    }

    private static int connect(String from, AssembledBroker broker, String user, String password) throws Exception {
        try (RawMqttClient client = RawMqttClient.from(from, broker.port())) {
            return rawConnect(client, "c-" + from + "-" + user, user, password);
        }
    }

    @Test
    void anAddressPastItsLimitIsRefusedWithoutBlockingOthers() throws Exception {
        try (AssembledBroker broker = broker(
                "auth.failed-logins.max-per-address = 3",
                "auth.failed-logins.max-per-user = 0",
                "auth.failed-logins.penalty = 60s")) {
            for (int guess = 0; guess < 3; guess++) {
                assertEquals(4, connect(GUESSER, broker, "alice", "guess-" + guess));
            }
            assertEquals(5, connect(GUESSER, broker, "alice", "guess-3"), "held back: refused without a check");
            assertEquals(5, connect(GUESSER, broker, "bob", "bob-secret"), "even the right password, from there");
            assertEquals(0, connect("127.0.0.3", broker, "alice", "alice-secret"), "another address is not held back");
            assertEquals(2, broker.metrics().loginsHeldBack());
            assertEquals(3, broker.metrics().authBadCredentials());
        }
    }

    @Test
    void aUserNamePastItsLimitIsHeldBackFromEveryAddressUntilItsOwnerSucceeds() throws Exception {
        try (AssembledBroker broker = broker(
                "auth.failed-logins.max-per-address = 0",
                "auth.failed-logins.max-per-user = 2",
                "auth.failed-logins.penalty = 60s")) {
            assertEquals(4, connect("127.0.0.4", broker, "alice", "guess-1"));
            assertEquals(4, connect("127.0.0.5", broker, "alice", "guess-2"));
            assertEquals(5, connect("127.0.0.6", broker, "alice", "alice-secret"), "alice is held back everywhere");
            assertEquals(0, connect("127.0.0.6", broker, "bob", "bob-secret"), "bob is not");
            assertEquals(1, broker.metrics().loginsHeldBack());
        }
    }

    @Test
    void aSuccessClearsTheUserNamesFailures() throws Exception {
        try (AssembledBroker broker =
                broker("auth.failed-logins.max-per-address = 0", "auth.failed-logins.max-per-user = 3")) {
            assertEquals(4, connect("127.0.0.7", broker, "alice", "typo"));
            assertEquals(4, connect("127.0.0.7", broker, "alice", "typo"));
            assertEquals(0, connect("127.0.0.7", broker, "alice", "alice-secret"), "below the limit");
            assertEquals(4, connect("127.0.0.7", broker, "alice", "typo"));
            assertEquals(4, connect("127.0.0.7", broker, "alice", "typo"), "counting starts again after the success");
            assertEquals(0, broker.metrics().loginsHeldBack());
        }
    }

    @Test
    void delayedConnectsAreCheckedOnceTheHoldEnds() throws Exception {
        try (AssembledBroker broker = broker(
                "auth.failed-logins.max-per-address = 1",
                "auth.failed-logins.action = delay",
                "auth.failed-logins.penalty = 200ms")) {
            assertEquals(4, connect(GUESSER, broker, "alice", "guess-1"));
            // Held back now: answered after the hold, by the plugin (CONNACK 0 with the right password, not 5).
            assertEquals(0, connect(GUESSER, broker, "alice", "alice-secret"));
            assertEquals(1, broker.metrics().loginsHeldBack());
        }
    }
}
