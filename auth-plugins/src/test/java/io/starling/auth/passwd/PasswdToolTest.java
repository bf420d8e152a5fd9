package io.starling.auth.passwd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.auth.password.PasswordFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswdToolTest {

    private final ByteArrayOutputStream errors = new ByteArrayOutputStream();

    private int run(String... args) {
        return PasswdTool.run(args, new PrintStream(errors, true, StandardCharsets.UTF_8));
    }

    @Test
    void createsAddsUpdatesAndDeletesUsers(@TempDir Path directory) throws Exception {
        String file = directory.resolve("passwd").toString();
        assertEquals(0, run("-c", "-I", "1000", "-b", file, "alice", "secret"));
        assertEquals(0, run("-I", "1000", "-b", file, "bob", "hunter2"));
        assertEquals(0, run("-I", "1000", "-b", file, "alice", "changed"));
        PasswordFile passwords = PasswordFile.read(Path.of(file));
        assertTrue(passwords.hash("alice").matches("changed".getBytes(StandardCharsets.UTF_8)));
        assertFalse(passwords.hash("alice").matches("secret".getBytes(StandardCharsets.UTF_8)));
        assertTrue(passwords.hash("bob").matches("hunter2".getBytes(StandardCharsets.UTF_8)));

        assertEquals(0, run("-D", file, "bob"));
        assertNull(PasswordFile.read(Path.of(file)).hash("bob"));
        assertEquals("", errors.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reportsMissingFilesUnknownUsersAndBadUsage(@TempDir Path directory) {
        String file = directory.resolve("passwd").toString();
        assertEquals(1, run("-b", file, "alice", "secret"));
        assertTrue(errors.toString(StandardCharsets.UTF_8).contains("does not exist (use -c to create it)"));
        assertEquals(0, run("-c", "-I", "1", "-b", file, "alice", "secret"));
        assertEquals(1, run("-D", file, "bob"));
        assertTrue(errors.toString(StandardCharsets.UTF_8).contains("user 'bob' is not in the file"));
        assertEquals(2, run("-b", file, "alice"));
        assertEquals(2, run("-D", "-c", file, "alice"));
        assertEquals(2, run("-I", "many", "-b", file, "alice", "x"));
        assertEquals(1, run("-b", file, "alice:x", "secret"));
    }

    @Test
    void hashesAPlainTextFileAsMosquittoPasswdDoes(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("passwd");
        Files.write(file, List.of("# devices", "dev-1:pw-one", "dev-2:pw:two"));
        assertEquals(0, run("-I", "10", "-U", file.toString()));
        List<String> lines = Files.readAllLines(file);
        assertEquals("# devices", lines.get(0));
        assertTrue(lines.get(1).startsWith("dev-1:$pbkdf2-sha512$10$"), lines.get(1));
        PasswordFile passwords = PasswordFile.read(file);
        assertTrue(
                passwords.hash("dev-2").matches("pw:two".getBytes(StandardCharsets.UTF_8)), "split at the first colon");
        assertEquals(0, run("-U", file.toString()));
        assertEquals(lines, Files.readAllLines(file), "hashed lines are kept as they are");
        assertEquals(2, run("-U", "-c", file.toString()));
    }
}
