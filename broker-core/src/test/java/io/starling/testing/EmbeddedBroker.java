package io.starling.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import io.starling.Broker;
import io.starling.cluster.local.SingleNodeClusterBus;
import io.starling.config.BrokerConfig;
import io.starling.config.ConfigLoader;
import io.starling.spi.Authenticator;
import io.starling.spi.Authorizer;
import io.starling.spi.ClusterBus;
import io.starling.spi.Storage;
import io.starling.storage.memory.InMemoryStorageProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A broker in the test JVM on 127.0.0.1 and free ports, $SYS topics off. Settings are HOCON lines under
 * {@code starling}, e.g. {@code "mqtt.max-packet-size = 1000"}.
 */
public final class EmbeddedBroker implements AutoCloseable {

    private final Broker broker;
    private final int port;

    private EmbeddedBroker(Broker broker) throws InterruptedException {
        this.broker = broker;
        broker.start();
        this.port = broker.port("ipv4");
    }

    public static EmbeddedBroker start(String... settings) throws InterruptedException {
        return start(InMemoryStorageProvider.newStorage(), List.of(), List.of(), settings);
    }

    /** A broker on the given storage (reuse one to test what survives a restart). */
    public static EmbeddedBroker start(
            Storage storage, List<Authenticator> authenticators, List<Authorizer> authorizers, String... settings)
            throws InterruptedException {
        return start(storage, new SingleNodeClusterBus(), authenticators, authorizers, settings);
    }

    /** A broker on the given storage and cluster bus. */
    public static EmbeddedBroker start(
            Storage storage,
            ClusterBus cluster,
            List<Authenticator> authenticators,
            List<Authorizer> authorizers,
            String... settings)
            throws InterruptedException {
        BrokerConfig config = config(settings);
        Broker broker = new Broker(config, storage, cluster, authenticators, authorizers);
        return new EmbeddedBroker(broker);
    }

    /** The effective configuration for these settings, on 127.0.0.1 and a free port. */
    public static BrokerConfig config(String... settings) {
        Config overrides = ConfigFactory.parseString(String.join(
                "\n",
                "starling.listener { host = \"127.0.0.1\", port = 0 }",
                "starling.tls { host = \"127.0.0.1\", port = 0 }",
                "starling.websocket { host = \"127.0.0.1\", port = 0 }",
                "starling.websocket-tls { host = \"127.0.0.1\", port = 0 }",
                "starling.http { host = \"127.0.0.1\", port = 0 }",
                "starling.admin.port = 0",
                // $SYS retained messages would surprise tests subscribing to '$SYS/#'; tests of them set it.
                "starling.sys-interval = 0",
                // What a broker saves there (an admin redirect) must not reach the next test's broker.
                "starling.data-directory = "
                        + ConfigUtil.quoteString(freshDataDirectory().toString())));
        for (String setting : settings) {
            overrides = ConfigFactory.parseString("starling." + setting).withFallback(overrides);
        }
        Config reference = ConfigLoader.load(null, Map.of());
        return BrokerConfig.from(overrides.withFallback(reference).resolve());
    }

    /** A directory of its own, not created: the broker creates it if it saves something. */
    private static Path freshDataDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "starling-data-" + UUID.randomUUID());
    }

    public int port() {
        return port;
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public Broker broker() {
        return broker;
    }

    @Override
    public void close() {
        broker.stop();
    }
}
