package io.starling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the effective configuration: environment over the user's file over every module's
 * {@code reference.conf}. Keys under {@code starling} that no reference.conf declares are
 * refused, so a typo stops start-up instead of being silently ignored. Plugin blocks (the
 * {@code starling.auth.<id>} of the ids named in {@code starling.auth.plugins}) are the
 * plugin's own and are not checked here.
 */
public final class ConfigLoader {

    static final String ENV_PREFIX = "STARLING_";

    private ConfigLoader() {}

    /** Loads {@code file} (may be null) with environment overrides and checks it. */
    public static Config load(File file, Map<String, String> environment) {
        // Every module's reference.conf, without the JVM's system properties that
        // defaultReference() would mix in (-Dstarling.home is not a setting).
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf")
                .resolve();
        Config user = ConfigFactory.empty();
        if (file != null) {
            if (!file.isFile()) {
                throw new ConfigException.Generic("configuration file " + file + " does not exist or is not a file");
            }
            user = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
        }
        Config merged = environmentOverrides(reference, environment)
                .withFallback(user)
                .withFallback(reference)
                .resolve();
        rejectUnknownKeys(user.withFallback(environmentOverrides(reference, environment)), reference);
        merged.checkValid(reference, "starling");
        return merged;
    }

    /** The environment variable that overrides {@code path}, e.g. STARLING_LISTENER_PORT. */
    public static String environmentName(String path) {
        return ENV_PREFIX
                + path.substring("starling.".length())
                        .toUpperCase(Locale.ROOT)
                        .replace('.', '_')
                        .replace('-', '_');
    }

    private static Config environmentOverrides(Config reference, Map<String, String> environment) {
        Config overrides = ConfigFactory.empty();
        for (Map.Entry<String, ConfigValue> entry :
                reference.withOnlyPath("starling").entrySet()) {
            String path = entry.getKey();
            String value = environment.get(environmentName(path));
            if (value != null) {
                Config parsed = ConfigFactory.parseString(
                        "v = " + quoteIfNeeded(value),
                        ConfigParseOptions.defaults()
                                .setOriginDescription("environment variable " + environmentName(path)));
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

    private static void rejectUnknownKeys(Config user, Config reference) {
        if (!user.hasPath("starling")) {
            return;
        }
        Set<String> pluginBlocks = new TreeSet<>();
        Config withDefaults = user.withFallback(reference).resolve();
        pluginBlocks.addAll(withDefaults.getStringList("starling.auth.plugins"));
        for (Map.Entry<String, ConfigValue> entry :
                user.withOnlyPath("starling").entrySet()) {
            String path = entry.getKey();
            if (reference.hasPath(path) || isInPluginBlock(path, pluginBlocks)) {
                continue;
            }
            throw new ConfigException.BadPath(entry.getValue().origin(), path, "unknown configuration key");
        }
    }

    private static boolean isInPluginBlock(String path, Set<String> pluginBlocks) {
        for (String plugin : pluginBlocks) {
            if (path.startsWith("starling.auth." + plugin + ".")) {
                return true;
            }
        }
        return false;
    }
}
