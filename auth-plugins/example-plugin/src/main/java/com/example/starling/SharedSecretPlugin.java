package com.example.starling;

import com.typesafe.config.Config;
import io.starling.spi.AuthPluginProvider;
import io.starling.spi.Authenticator;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * An example auth plugin: every user name is accepted with one shared secret as password.
 * The broker finds this class through
 * {@code META-INF/services/io.starling.spi.AuthPluginProvider}, uses it when its id is listed in
 * {@code starling.auth.plugins}, and hands it the config block {@code starling.auth.shared-secret}:
 * <pre>
 * starling.auth {
 *   plugins = [shared-secret]
 *   shared-secret { secret = "change-me" }
 * }
 * </pre>
 * A plugin that also decides who may publish or subscribe returns an
 * {@link io.starling.spi.Authorizer} from {@link #authorizer(Config)}.
 */
public final class SharedSecretPlugin implements AuthPluginProvider {

    @Override
    public String id() {
        return "shared-secret";
    }

    /** Called once at start; throwing here (e.g. a missing key) stops start-up with the message. */
    @Override
    public Optional<Authenticator> authenticator(Config pluginConfig) {
        return Optional.of(new SharedSecretAuthenticator(pluginConfig.getString("secret").getBytes(StandardCharsets.UTF_8)));
    }
}
