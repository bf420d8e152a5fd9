package io.starling;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.starling.config.BrokerConfig;
import io.starling.spi.AuthPluginProvider;
import io.starling.spi.Authenticator;
import io.starling.spi.Authorizer;
import io.starling.spi.ClusterBus;
import io.starling.spi.ClusterProvider;
import io.starling.spi.Storage;
import io.starling.spi.StorageProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Puts a broker together from configuration: storage, cluster and auth plugins are found
 * with {@link ServiceLoader} by the names the configuration gives. A name nobody provides
 * stops start-up with a message listing the ones available. Auth plugins come from the class
 * path (the built-in ones) and from the plugin jars already loaded by
 * {@link io.starling.auth.PluginLoader}.
 */
public final class BrokerAssembly {

    private BrokerAssembly() {}

    public static Broker assemble(BrokerConfig config, ClassLoader plugins, List<AuthPluginProvider> pluginJars) {
        Storage storage = find(
                        StorageProvider.class,
                        StorageProvider::name,
                        config.storageType(),
                        "starling.storage.type",
                        plugins)
                .open(config.raw());
        ClusterBus cluster = find(
                        ClusterProvider.class,
                        ClusterProvider::name,
                        config.clusterType(),
                        "starling.cluster.type",
                        plugins)
                .create(config.raw());
        List<Authenticator> authenticators = new ArrayList<>();
        List<Authorizer> authorizers = new ArrayList<>();
        for (String id : config.authPlugins()) {
            AuthPluginProvider plugin = pluginJars.stream()
                    .filter(jarPlugin -> jarPlugin.id().equals(id))
                    .findFirst()
                    .orElseGet(() -> find(
                            AuthPluginProvider.class, AuthPluginProvider::id, id, "starling.auth.plugins", plugins));
            Config pluginConfig = config.raw().hasPath("starling.auth." + id)
                    ? config.raw().getConfig("starling.auth." + id)
                    : ConfigFactory.empty();
            plugin.authenticator(pluginConfig).ifPresent(authenticators::add);
            plugin.authorizer(pluginConfig).ifPresent(authorizers::add);
        }
        return new Broker(config, storage, cluster, authenticators, authorizers, adminPasswords(config, plugins));
    }

    /**
     * The admin users' password check: the built-in password-file plugin reading
     * {@code starling.admin.password-file} (written with starling-passwd), or null without one.
     */
    private static Authenticator adminPasswords(BrokerConfig config, ClassLoader plugins) {
        String file = config.admin().passwordFile();
        if (!config.admin().enabled() || file.isEmpty()) {
            return null;
        }
        AuthPluginProvider passwordFile = find(
                AuthPluginProvider.class,
                AuthPluginProvider::id,
                "password-file",
                "starling.admin.password-file",
                plugins);
        try {
            return passwordFile
                    .authenticator(ConfigFactory.parseMap(Map.of("file", file, "cache", true)))
                    .orElseThrow();
        } catch (ConfigException e) {
            throw new ConfigException.BadValue("starling.admin.password-file", e.getMessage(), e);
        }
    }

    private static <T> T find(Class<T> type, Function<T, String> name, String wanted, String key, ClassLoader loader) {
        List<String> available = new ArrayList<>();
        for (T provider : ServiceLoader.load(type, loader)) {
            String providerName = name.apply(provider);
            if (providerName.equals(wanted)) {
                return provider;
            }
            available.add(providerName);
        }
        throw new ConfigException.BadValue(key, "'" + wanted + "' is not available (available: " + available + ")");
    }
}
