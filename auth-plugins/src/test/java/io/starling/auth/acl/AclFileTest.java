package io.starling.auth.acl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.ClientIdentity;
import java.util.List;
import org.junit.jupiter.api.Test;

class AclFileTest {

    private static final AclRules RULES = AclFile.parse(List.of(
            "# anonymous clients",
            "topic read public/#",
            "",
            "user alice",
            "topic readwrite home/alice/#",
            "topic write alerts",
            "topic read rooms/with space",
            "user bob",
            "topic home/bob/#",
            "pattern write devices/%c/state",
            "pattern read users/%u/inbox"));

    private static final ClientIdentity ANONYMOUS = new ClientIdentity("anon-1", null);
    private static final ClientIdentity ALICE = new ClientIdentity("alice-1", "alice");
    private static final ClientIdentity BOB = new ClientIdentity("bob-1", "bob");

    @Test
    void linesBeforeAnyUserApplyToAnonymousClientsOnly() {
        assertTrue(RULES.grants(ANONYMOUS, Access.READ, "public/news"));
        assertFalse(RULES.grants(ANONYMOUS, Access.WRITE, "public/news"));
        assertFalse(RULES.grants(ALICE, Access.READ, "public/news"));
    }

    @Test
    void userLinesGrantTheirAccess() {
        assertTrue(RULES.grants(ALICE, Access.WRITE, "home/alice/lamp"));
        assertTrue(RULES.grants(ALICE, Access.READ, "home/alice/+"));
        assertTrue(RULES.grants(ALICE, Access.WRITE, "alerts"));
        assertFalse(RULES.grants(ALICE, Access.READ, "alerts"));
        assertTrue(RULES.grants(ALICE, Access.READ, "rooms/with space"));
        assertFalse(RULES.grants(ALICE, Access.READ, "home/#"));
        assertTrue(RULES.grants(BOB, Access.WRITE, "home/bob/x"), "no access word means readwrite");
        assertFalse(RULES.grants(BOB, Access.WRITE, "home/alice/x"));
        assertFalse(RULES.grants(new ClientIdentity("c", "carol"), Access.READ, "home/bob/x"));
    }

    @Test
    void patternsApplyToEveryClientWithItsUserNameAndClientId() {
        assertTrue(RULES.grants(BOB, Access.WRITE, "devices/bob-1/state"));
        assertTrue(RULES.grants(ANONYMOUS, Access.WRITE, "devices/anon-1/state"));
        assertFalse(RULES.grants(BOB, Access.WRITE, "devices/alice-1/state"));
        assertTrue(RULES.grants(ALICE, Access.READ, "users/alice/inbox"));
        assertFalse(RULES.grants(ANONYMOUS, Access.READ, "users//inbox"), "%u never matches without a user name");
    }

    @Test
    void aPlaceholderValueWithWildcardsOrSlashesGrantsNothing() {
        assertFalse(RULES.grants(new ClientIdentity("#", "x"), Access.WRITE, "devices/#/state"));
        assertFalse(RULES.grants(new ClientIdentity("a/b", "x"), Access.WRITE, "devices/a/b/state"));
        assertFalse(RULES.grants(new ClientIdentity("c", "+"), Access.READ, "users/+/inbox"));
    }

    @Test
    void badLinesAreReportedWithTheirNumber() {
        assertEquals(
                "line 2: unknown keyword 'topik' (expected user, topic or pattern)",
                assertThrows(IllegalArgumentException.class, () -> AclFile.parse(List.of("user a", "topik x")))
                        .getMessage());
        assertEquals(
                "line 1: invalid topic filter 'a/#/b'",
                assertThrows(IllegalArgumentException.class, () -> AclFile.parse(List.of("topic read a/#/b")))
                        .getMessage());
        assertEquals(
                "line 1: missing user name",
                assertThrows(IllegalArgumentException.class, () -> AclFile.parse(List.of("user")))
                        .getMessage());
    }
}
