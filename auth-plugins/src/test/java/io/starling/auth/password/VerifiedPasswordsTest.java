package io.starling.auth.password;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifiedPasswordsTest {

    private static final byte[] SECRET = "secret".getBytes(StandardCharsets.UTF_8);

    @Test
    void remembersTheLastVerifiedPasswordPerUserForOneVersionOfTheFile() {
        PasswordHash hash = PasswordHash.create("secret".toCharArray(), 1);
        PasswordFile file = PasswordFile.parse(List.of("alice:" + hash.encoded(), "bob:" + hash.encoded()));
        VerifiedPasswords verified = new VerifiedPasswords();

        assertFalse(verified.known(file, "alice", SECRET), "nothing verified yet");
        verified.remember(file, "alice", SECRET);
        assertTrue(verified.known(file, "alice", SECRET));
        assertFalse(verified.known(file, "alice", "Secret".getBytes(StandardCharsets.UTF_8)), "another password");
        assertFalse(verified.known(file, "bob", SECRET), "another user");
        PasswordFile reread = PasswordFile.parse(List.of("alice:" + hash.encoded()));
        assertFalse(verified.known(reread, "alice", SECRET), "forgotten when the file is read again");
    }
}
