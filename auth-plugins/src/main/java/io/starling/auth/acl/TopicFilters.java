package io.starling.auth.acl;

/**
 * MQTT topic filter arithmetic for ACL rules. A topic name is a filter without wildcards, so
 * one question answers both checks: does the rule's filter cover the published topic, and does
 * it cover every topic the subscribed filter could match.
 */
final class TopicFilters {

    private TopicFilters() {}

    /**
     * Whether every topic {@code inner} matches is also matched by {@code outer}. As MQTT
     * requires, a wildcard at the first level does not match topics starting with '$'.
     */
    static boolean covers(String outer, String inner) {
        String[] rule = outer.split("/", -1);
        String[] target = inner.split("/", -1);
        if (target[0].startsWith("$") && (rule[0].equals("+") || rule[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < rule.length; i++) {
            if (rule[i].equals("#")) {
                // '#' also matches the parent level: a/# covers a.
                return true;
            }
            if (i == target.length || target[i].equals("#")) {
                return false;
            }
            if (!rule[i].equals("+") && !rule[i].equals(target[i])) {
                return false;
            }
        }
        return rule.length == target.length;
    }

    /** Whether {@code filter} is a valid topic filter: '#' only as the last level, wildcards alone in their level. */
    static boolean isValid(String filter) {
        if (filter.isEmpty()) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            boolean wildcard = level.contains("+") || level.contains("#");
            if (wildcard && !(level.equals("+") || (level.equals("#") && i == levels.length - 1))) {
                return false;
            }
        }
        return true;
    }
}
