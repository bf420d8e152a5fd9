package io.starling.routing;

/**
 * A shared subscription's name, {@code $share/{group}/{filter}} (MQTT 5.0 section 4.8.2, also
 * accepted from MQTT 3.1.1 clients as Mosquitto, HiveMQ and EMQX do): the group's members get
 * each message matching {@code filter} once between them.
 *
 * @param name   the whole name as subscribed, the key of the group and of the member's subscription
 * @param group  the share name: at least one character, no {@code /}, {@code +} or {@code #}
 * @param filter the topic filter the group matches
 */
public record SharedFilter(String name, String group, String filter) {

    private static final String PREFIX = "$share/";

    /** Whether the subscription is meant to be shared: its filter starts with {@code $share/}. */
    public static boolean isShared(String name) {
        return name.startsWith(PREFIX);
    }

    /**
     * The shared subscription a name denotes.
     *
     * @return null for a name that starts with {@code $share/} but is not a valid shared
     *     subscription (no group, a wildcard in the group, no or an invalid filter) or does not
     *     start with it at all
     */
    public static SharedFilter parse(String name) {
        if (!isShared(name)) {
            return null;
        }
        int slash = name.indexOf('/', PREFIX.length());
        if (slash <= PREFIX.length()) {
            return null;
        }
        String group = name.substring(PREFIX.length(), slash);
        if (group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
            return null;
        }
        String filter = name.substring(slash + 1);
        return Topics.isValidFilter(filter) ? new SharedFilter(name, group, filter) : null;
    }
}
