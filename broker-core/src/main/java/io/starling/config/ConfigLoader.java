package io.starling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the effective configuration: environment ({@link EnvironmentSettings}) over the user's
 * file over every module's {@code reference.conf}. Keys under {@code starling} that no reference.conf declares are
 * refused, so a typo stops start-up instead of being silently ignored. Plugin blocks (the
 * {@code starling.auth.<id>} of the ids named in {@code starling.auth.plugins}) are the
 * plugin's own and are not checked here.
 */
public final class ConfigLoader {

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
        Config fromEnvironment = EnvironmentSettings.from(reference, environment);
        Config merged =
                fromEnvironment.withFallback(user).withFallback(reference).resolve();
        rejectUnknownKeys(user.withFallback(fromEnvironment), reference);
        merged.checkValid(reference, "starling");
        return merged;
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
