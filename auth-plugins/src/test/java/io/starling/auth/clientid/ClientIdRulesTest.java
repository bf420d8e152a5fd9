package io.starling.auth.clientid;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientIdRulesTest {

    private static ClientIdRule rule(String hocon) {
        return ClientIdRule.from(ConfigFactory.parseString(hocon), "rule");
    }

    @Test
    void aUserBoundAllowRuleLimitsThatUserOnly() {
        ClientIdRules rules = new ClientIdRules(List.of(rule("user = alice, pattern = \"alice-.*\"")), List.of());
        assertTrue(rules.permits("alice", "alice-phone"));
        assertFalse(rules.permits("alice", "bob-phone"));
        assertTrue(rules.permits("bob", "anything"));
        assertTrue(rules.permits(null, "anything"));
    }

    @Test
    void unboundAllowRulesApplyToUsersWithoutTheirOwn() {
        ClientIdRules rules = new ClientIdRules(
                List.of(rule("id = gateway"), rule("pattern = \"sensor-[0-9]+\""), rule("user = alice, id = alice")),
                List.of());
        assertTrue(rules.permits(null, "sensor-12"));
        assertTrue(rules.permits("bob", "gateway"));
        assertFalse(rules.permits("bob", "sensor-x"));
        assertFalse(rules.permits("alice", "gateway"));
        assertTrue(rules.permits("alice", "alice"));
    }

    @Test
    void denyRulesWin() {
        ClientIdRules rules = new ClientIdRules(
                List.of(rule("pattern = \".*\"")),
                List.of(rule("pattern = \"test-.*\""), rule("user = bob, id = admin")));
        assertFalse(rules.permits("alice", "test-1"));
        assertFalse(rules.permits("bob", "admin"));
        assertTrue(rules.permits("alice", "admin"));
    }

    @Test
    void exactIdsAreNotRegularExpressions() {
        ClientIdRules rules = new ClientIdRules(List.of(rule("id = \"a.b\"")), List.of());
        assertTrue(rules.permits(null, "a.b"));
        assertFalse(rules.permits(null, "axb"));
    }

    @Test
    void badRulesNameTheirKey() {
        ConfigException both = assertThrows(ConfigException.class, () -> rule("id = a, pattern = b"));
        assertTrue(
                both.getMessage().contains("rule") && both.getMessage().contains("either id or pattern"),
                both.getMessage());
        ConfigException typo = assertThrows(ConfigException.class, () -> rule("ids = a"));
        assertTrue(typo.getMessage().contains("unknown field 'ids'"), typo.getMessage());
        ConfigException regex = assertThrows(ConfigException.class, () -> rule("pattern = \"a(\""));
        assertTrue(regex.getMessage().contains("bad regular expression"), regex.getMessage());
    }
}
