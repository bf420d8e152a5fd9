package io.starling.auth.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.util.Map;

/**
 * The broker leaves the block of a listed plugin to the plugin, so a built-in plugin checks
 * its own: a key its reference.conf does not declare (a typo such as {@code fiel}) stops
 * start-up instead of silently leaving the default in force.
 */
public final class KnownKeys {

    private KnownKeys() {}

    public static void check(String pluginId, Config pluginConfig) {
        String block = "starling.auth." + pluginId;
        Config reference = ConfigFactory.defaultReference().getConfig(block);
        for (Map.Entry<String, ConfigValue> entry : pluginConfig.entrySet()) {
            if (!reference.hasPath(entry.getKey())) {
                throw new ConfigException.BadPath(
                        entry.getValue().origin(),
                        block + "." + entry.getKey(),
                        "unknown configuration key of plugin " + pluginId);
            }
        }
    }
}
