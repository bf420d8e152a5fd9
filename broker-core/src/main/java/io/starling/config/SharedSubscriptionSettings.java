package io.starling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * {@code starling.shared-subscriptions}: the strategy of every group, and of named groups.
 *
 * @param strategy the strategy of groups not named in {@code groups}
 * @param groups   group (share) name to its own strategy
 */
public record SharedSubscriptionSettings(SharedStrategy strategy, Map<String, SharedStrategy> groups) {

    private static final String PREFIX = "starling.shared-subscriptions.";

    public static SharedSubscriptionSettings from(Config c) {
        String key = PREFIX + "strategy";
        SharedStrategy strategy = strategy(c, key, c.getString(key));
        Map<String, SharedStrategy> groups = new HashMap<>();
        String groupsKey = PREFIX + "group-strategies";
        List<String> entries = c.getStringList(groupsKey);
        for (String entry : entries) {
            int colon = entry.lastIndexOf(':');
            if (colon <= 0) {
                throw new ConfigException.BadValue(
                        c.origin(), groupsKey, "entries are group:strategy, was '" + entry + "'");
            }
            groups.put(entry.substring(0, colon), strategy(c, groupsKey, entry.substring(colon + 1)));
        }
        return new SharedSubscriptionSettings(strategy, Map.copyOf(groups));
    }

    /** The strategy of the group named {@code group}. */
    public SharedStrategy strategyOf(String group) {
        return groups.getOrDefault(group, strategy);
    }

    private static SharedStrategy strategy(Config c, String key, String name) {
        SharedStrategy strategy = SharedStrategy.named(name);
        if (strategy == null) {
            StringJoiner known = new StringJoiner(", ");
            for (SharedStrategy each : SharedStrategy.values()) {
                known.add(each.configName());
            }
            throw new ConfigException.BadValue(
                    c.origin(), key, "unknown strategy '" + name + "' (one of " + known + ")");
        }
        return strategy;
    }
}
