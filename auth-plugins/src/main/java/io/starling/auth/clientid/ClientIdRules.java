package io.starling.auth.clientid;

import java.util.List;

/**
 * Which client ids a client may use. A deny rule that applies and matches refuses. Then the
 * allow rules bound to the client's user name are checked, or, when there are none for it,
 * the allow rules bound to nobody: if there are such rules, one must match. So "alice may only
 * use alice-.*" is one allow rule bound to alice, and leaves other users alone.
 */
record ClientIdRules(List<ClientIdRule> allow, List<ClientIdRule> deny) {

    boolean permits(String user, String clientId) {
        for (ClientIdRule rule : deny) {
            if (rule.appliesTo(user) && rule.matches(clientId)) {
                return false;
            }
        }
        List<ClientIdRule> ownRules = user == null
                ? List.of()
                : allow.stream().filter(rule -> user.equals(rule.user())).toList();
        List<ClientIdRule> applicable = ownRules.isEmpty()
                ? allow.stream().filter(rule -> rule.user() == null).toList()
                : ownRules;
        return applicable.isEmpty() || applicable.stream().anyMatch(rule -> rule.matches(clientId));
    }
}
