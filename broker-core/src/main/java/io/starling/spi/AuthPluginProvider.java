package io.starling.spi;

import com.typesafe.config.Config;
import java.util.Optional;

/**
 * An authentication and/or authorization plugin, found with {@link java.util.ServiceLoader}.
 * The broker uses the plugins named in {@code starling.auth.plugins}, in that order, and
 * configures each from the config block named after its {@link #id()}.
 */
public interface AuthPluginProvider {

    String id();

    /** The plugin's authenticator, if it authenticates. */
    default Optional<Authenticator> authenticator(Config pluginConfig) {
        return Optional.empty();
    }

    /** The plugin's authorizer, if it authorizes. */
    default Optional<Authorizer> authorizer(Config pluginConfig) {
        return Optional.empty();
    }
}
