package io.starling.auth.acl;

/**
 * One {@code topic} or {@code pattern} line. A pattern's filter may hold {@code %u} (user
 * name) and {@code %c} (client id). A pattern whose placeholder cannot be filled safely (no
 * user name, or a value containing '/', '+' or '#', which would widen the filter) grants nothing.
 */
record AclRule(Access access, String filter) {

    /** The filter for this client, or null when the rule cannot apply to it. */
    String filterFor(String user, String clientId) {
        String result = filter;
        if (result.contains("%u")) {
            if (!isSafe(user)) {
                return null;
            }
            result = result.replace("%u", user);
        }
        if (result.contains("%c")) {
            if (!isSafe(clientId)) {
                return null;
            }
            result = result.replace("%c", clientId);
        }
        return result;
    }

    private static boolean isSafe(String value) {
        return value != null && !value.isEmpty() && value.chars().noneMatch(c -> c == '/' || c == '+' || c == '#');
    }
}
