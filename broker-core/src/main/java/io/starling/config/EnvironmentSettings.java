package io.starling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.util.Locale;
import java.util.Map;

/**
 * The settings given as environment variables: {@code STARLING_} + a key path of a module's
 * {@code reference.conf} in upper case, dots and dashes as underscores (e.g.
 * {@code STARLING_CLUSTER_HAZELCAST_MEMBER_PORT} for {@code starling.cluster.hazelcast.member-port}).
 * Only keys that some {@code reference.conf} declares are looked up, so other variables with the
 * prefix are ignored (the mapping is not reversible: a dash and a dot look the same). This is
 * how a container is configured without a file.
 */
public final class EnvironmentSettings {

    static final String PREFIX = "STARLING_";

    private EnvironmentSettings() {}

    /** The environment variable that sets {@code path}, e.g. STARLING_LISTENER_PORT. */
    public static String variableName(String path) {
        return PREFIX
                + path.substring("starling.".length())
                        .toUpperCase(Locale.ROOT)
                        .replace('.', '_')
                        .replace('-', '_');
    }

    /** The values {@code environment} sets for the keys of {@code reference}, as a configuration. */
    static Config from(Config reference, Map<String, String> environment) {
        Config overrides = ConfigFactory.empty();
        for (Map.Entry<String, ConfigValue> entry :
                reference.withOnlyPath("starling").entrySet()) {
            String path = entry.getKey();
            String name = variableName(path);
            String value = environment.get(name);
            if (value != null) {
                Config parsed = ConfigFactory.parseString(
                        "v = " + quoteIfNeeded(value),
                        ConfigParseOptions.defaults().setOriginDescription("environment variable " + name));
                overrides = overrides.withValue(path, parsed.getValue("v"));
            }
        }
        return overrides;
    }

    /** Lists and numbers parse as HOCON; anything else is taken as a plain string. */
    private static String quoteIfNeeded(String value) {
        String trimmed = value.trim();
        if (trimmed.startsWith("[")
                || trimmed.matches("-?[0-9]+")
                || trimmed.equals("true")
                || trimmed.equals("false")) {
            return trimmed;
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
