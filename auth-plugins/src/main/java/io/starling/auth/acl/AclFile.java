package io.starling.auth.acl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses an ACL file in Mosquitto's {@code acl_file} syntax:
 * <pre>
 * # comment
 * topic read public/#            (before any user line: for clients without user name)
 * user alice
 * topic readwrite home/alice/#   (access may be read, write or readwrite; omitted: readwrite)
 * pattern write devices/%c/state (for every client; %u user name, %c client id)
 * </pre>
 */
final class AclFile {

    private AclFile() {}

    /** Throws {@link IllegalArgumentException} naming the first bad line. */
    static AclRules parse(List<String> lines) {
        List<AclRule> anonymous = new ArrayList<>();
        Map<String, List<AclRule>> byUser = new HashMap<>();
        List<AclRule> patterns = new ArrayList<>();
        List<AclRule> current = anonymous;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] keywordAndRest = line.split("\\s+", 2);
            String rest = keywordAndRest.length == 2 ? keywordAndRest[1] : "";
            try {
                switch (keywordAndRest[0]) {
                    case "user" ->
                        current = byUser.computeIfAbsent(nonEmpty(rest, "user name"), user -> new ArrayList<>());
                    case "topic" -> current.add(rule(rest));
                    case "pattern" -> patterns.add(rule(rest));
                    default ->
                        throw new IllegalArgumentException(
                                "unknown keyword '" + keywordAndRest[0] + "' (expected user, topic or pattern)");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return new AclRules(List.copyOf(anonymous), copy(byUser), List.copyOf(patterns));
    }

    /** {@code [read|write|readwrite] FILTER}; the filter is the rest of the line and may contain blanks. */
    private static AclRule rule(String accessAndFilter) {
        String[] parts = accessAndFilter.split("\\s+", 2);
        Access access = Access.READWRITE;
        String filter = accessAndFilter;
        if (parts.length == 2 && isAccess(parts[0])) {
            access = Access.valueOf(parts[0].toUpperCase(Locale.ROOT));
            filter = parts[1];
        }
        if (!TopicFilters.isValid(nonEmpty(filter, "topic filter"))) {
            throw new IllegalArgumentException("invalid topic filter '" + filter + "'");
        }
        return new AclRule(access, filter);
    }

    private static boolean isAccess(String word) {
        return word.equals("read") || word.equals("write") || word.equals("readwrite");
    }

    private static String nonEmpty(String value, String what) {
        if (value.isEmpty()) {
            throw new IllegalArgumentException("missing " + what);
        }
        return value;
    }

    private static Map<String, List<AclRule>> copy(Map<String, List<AclRule>> byUser) {
        Map<String, List<AclRule>> copy = new HashMap<>();
        byUser.forEach((user, rules) -> copy.put(user, List.copyOf(rules)));
        return Map.copyOf(copy);
    }
}
