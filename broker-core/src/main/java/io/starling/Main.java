package io.starling;

import com.typesafe.config.ConfigException;
import io.starling.auth.PluginLoader;
import io.starling.config.BrokerConfig;
import io.starling.config.ConfigLoader;
import io.starling.config.EnvironmentSettings;
import io.starling.spi.AuthPluginProvider;
import io.starling.transport.ListenerBindException;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code starling [-c FILE] [-v]}: starts a broker node in the foreground. SIGTERM and
 * SIGINT stop it cleanly (listener closed, connections closed, stores closed) and exit 0.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) throws InterruptedException {
        File configFile = null;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-c", "--config" -> {
                    if (i + 1 == args.length) {
                        usage("-c needs a file name");
                    }
                    configFile = new File(args[++i]);
                }
                case "-v", "--verbose" -> verbose = true;
                case "-h", "--help" -> usage(null);
                default -> usage("unknown option " + args[i]);
            }
        }
        Broker broker;
        try {
            Map<String, String> environment = new HashMap<>(System.getenv());
            if (verbose) {
                environment.put(EnvironmentSettings.variableName("starling.log.verbose"), "true");
            }
            BrokerConfig config = BrokerConfig.from(ConfigLoader.load(configFile, environment));
            // Every plugin jar is loaded (or start-up stops) before the listener opens.
            List<AuthPluginProvider> pluginJars = PluginLoader.load(
                    Path.of(config.raw().getString("starling.auth.plugin-directory")), Main.class.getClassLoader());
            broker = BrokerAssembly.assemble(config, Main.class.getClassLoader(), pluginJars);
            LOG.info("Starling {} starting.", version());
            broker.start();
        } catch (ConfigException e) {
            System.err.println("starling: configuration error: " + e.getMessage());
            LOG.error("Configuration error: {}", e.getMessage());
            System.exit(2);
            return;
        } catch (ListenerBindException e) {
            System.err.println("starling: could not start: " + e.getMessage());
            LOG.error("Could not start: {}", e.getMessage());
            System.exit(1);
            return;
        } catch (RuntimeException e) {
            System.err.println("starling: could not start: " + e);
            LOG.error("Could not start", e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                LOG.info("Stopping.");
                broker.stop();
                stopped.countDown();
            }
        };
        Signal.handle(new Signal("TERM"), signal -> new Thread(stop, "starling-stop").start());
        Signal.handle(new Signal("INT"), signal -> new Thread(stop, "starling-stop").start());
        stopped.await();
        System.exit(0);
    }

    /** The version from the jar manifest, or a marker when run from classes. */
    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    private static void usage(String error) {
        if (error != null) {
            System.err.println("starling: " + error);
        }
        System.err.println("usage: starling [-c FILE] [-v]");
        System.err.println("  -c FILE  configuration file (HOCON; keys and defaults in reference.conf)");
        System.err.println("  -v       log every packet received and sent");
        System.exit(error == null ? 0 : 2);
    }
}
