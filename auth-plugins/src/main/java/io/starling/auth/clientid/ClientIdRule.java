package io.starling.auth.clientid;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One entry of an allow or deny list: an exact client {@code id} or a regular expression
 * {@code pattern} (matching the whole id), optionally bound to one {@code user}.
 *
 * @param user the user name the rule is bound to, or null for every client
 */
record ClientIdRule(String user, Pattern ids) {

    private static final Set<String> KEYS = Set.of("id", "pattern", "user");

    /** Reads the rule at {@code key} (e.g. starling.auth.client-id.allow[0]) for messages. */
    static ClientIdRule from(Config rule, String key) {
        for (String present : rule.root().keySet()) {
            if (!KEYS.contains(present)) {
                throw new ConfigException.BadValue(key, "unknown field '" + present + "' (expected id, pattern, user)");
            }
        }
        if (rule.hasPath("id") == rule.hasPath("pattern")) {
            throw new ConfigException.BadValue(key, "needs either id or pattern");
        }
        String user = rule.hasPath("user") ? rule.getString("user") : null;
        if (rule.hasPath("id")) {
            return new ClientIdRule(user, Pattern.compile(Pattern.quote(rule.getString("id"))));
        }
        try {
            return new ClientIdRule(user, Pattern.compile(rule.getString("pattern")));
        } catch (PatternSyntaxException e) {
            throw new ConfigException.BadValue(key, "bad regular expression: " + e.getMessage(), e);
        }
    }

    /** Whether the rule is about this client's user: unbound rules are about every client. */
    boolean appliesTo(String clientUser) {
        return user == null || user.equals(clientUser);
    }

    boolean matches(String clientId) {
        return ids.matcher(clientId).matches();
    }
}
