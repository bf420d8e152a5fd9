package io.starling.auth.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hashMatchesOnlyItsPasswordAndRoundTrips() {
        PasswordHash hash = PasswordHash.create("pässword".toCharArray(), 1000);
        PasswordHash parsed = PasswordHash.parse(hash.encoded());
        assertTrue(parsed.matches(utf8("pässword")));
        assertFalse(parsed.matches(utf8("password")));
        assertFalse(parsed.matches(new byte[] {(byte) 0xC3}), "invalid UTF-8 matches nothing");
        assertTrue(
                hash.encoded().matches("\\$pbkdf2-sha512\\$1000\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{88}"),
                hash.encoded());
        assertFalse(
                PasswordHash.create("x".toCharArray(), 1000)
                        .encoded()
                        .equals(PasswordHash.create("x".toCharArray(), 1000).encoded()),
                "every hash has its own salt");
    }

    @Test
    void malformedHashesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("plain"));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("$pbkdf2-sha512$x$AA==$AA=="));
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse("$pbkdf2-sha512$10$AA==$AA=="));
    }

    @Test
    void badLinesAndDuplicateUsersNameTheLine() {
        String hash = PasswordHash.create("x".toCharArray(), 1).encoded();
        assertEquals(
                "line 2: expected user:hash",
                assertThrows(IllegalArgumentException.class, () -> PasswordFile.parse(List.of("# c", "nocolon")))
                        .getMessage());
        assertEquals(
                "line 2: user 'a' appears twice",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> PasswordFile.parse(List.of("a:" + hash, "a:" + hash)))
                        .getMessage());
    }

    @Test
    void changesKeepOtherLinesInPlace(@TempDir Path directory) throws Exception {
        Path path = directory.resolve("passwd");
        PasswordHash one = PasswordHash.create("one".toCharArray(), 1);
        Files.write(path, List.of("# users", "alice:" + one.encoded(), "bob:" + one.encoded()));
        PasswordHash two = PasswordHash.create("two".toCharArray(), 1);
        PasswordFile.read(path)
                .with("alice", two)
                .without("bob")
                .with("carol", one)
                .write(path);
        assertEquals(List.of("# users", "alice:" + two.encoded(), "carol:" + one.encoded()), Files.readAllLines(path));
        PasswordFile reread = PasswordFile.read(path);
        assertTrue(reread.hash("alice").matches(utf8("two")));
        assertNull(reread.hash("bob"));
        assertThrows(IllegalArgumentException.class, () -> reread.without("bob"));
        assertThrows(IllegalArgumentException.class, () -> reread.with("a:b", one));
    }
}
