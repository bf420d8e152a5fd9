package io.starling.auth.clientid;

import com.typesafe.config.Config;
import io.starling.auth.config.KnownKeys;
import io.starling.spi.AuthPluginProvider;
import io.starling.spi.Authenticator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The built-in {@code client-id} plugin; configured from {@code starling.auth.client-id}. */
public final class ClientIdPlugin implements AuthPluginProvider {

    public static final String ID = "client-id";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Authenticator> authenticator(Config pluginConfig) {
        KnownKeys.check(ID, pluginConfig);
        return Optional.of(new ClientIdAuthenticator(
                new ClientIdRules(rules(pluginConfig, "allow"), rules(pluginConfig, "deny"))));
    }

    private static List<ClientIdRule> rules(Config pluginConfig, String list) {
        List<ClientIdRule> rules = new ArrayList<>();
        List<? extends Config> entries = pluginConfig.getConfigList(list);
        for (int i = 0; i < entries.size(); i++) {
            rules.add(ClientIdRule.from(entries.get(i), "starling.auth." + ID + "." + list + "[" + i + "]"));
        }
        return rules;
    }
}
