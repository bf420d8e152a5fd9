package io.starling.auth;

import io.starling.spi.AuthPluginProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the auth plugins a user dropped into the plugin directory: every {@code *.jar} there,
 * each in its own class loader under {@link SpiOnlyClassLoader}, its
 * {@link AuthPluginProvider}s found with {@link ServiceLoader}. Any jar that cannot be loaded
 * stops start-up with a {@link PluginLoadException} naming it: a broker must never start with
 * a security plugin silently missing.
 */
public final class PluginLoader {

    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

    private PluginLoader() {}

    /**
     * The providers of every jar in {@code directory}, in file name order; none when the
     * directory does not exist.
     *
     * @param broker the class loader that holds the SPI the plugins are written against
     */
    public static List<AuthPluginProvider> load(Path directory, ClassLoader broker) {
        if (!Files.isDirectory(directory)) {
            LOG.info("No plugin directory {}; no plugin jars loaded.", directory.toAbsolutePath());
            return List.of();
        }
        SpiOnlyClassLoader parent = new SpiOnlyClassLoader(broker);
        // An id must name one plugin: a jar must not silently replace a built-in or another jar's plugin.
        Set<String> ids = new HashSet<>();
        ServiceLoader.load(AuthPluginProvider.class, broker).forEach(builtIn -> ids.add(builtIn.id()));
        List<AuthPluginProvider> providers = new ArrayList<>();
        for (Path jar : jars(directory)) {
            for (AuthPluginProvider provider : loadJar(jar, parent)) {
                if (!ids.add(provider.id())) {
                    throw new PluginLoadException(
                            jar, "another plugin already has the id '" + provider.id() + "'", null);
                }
                providers.add(provider);
            }
        }
        return providers;
    }

    private static List<Path> jars(Path directory) {
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "*.jar")) {
            entries.forEach(jars::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list plugin directory " + directory, e);
        }
        jars.sort(null);
        return jars;
    }

    private static List<AuthPluginProvider> loadJar(Path jar, ClassLoader parent) {
        checkReadable(jar);
        List<AuthPluginProvider> providers = new ArrayList<>();
        // Never closed: the plugin's classes live as long as the broker.
        URLClassLoader loader = new URLClassLoader("plugin " + jar.getFileName(), new URL[] {url(jar)}, parent);
        try {
            for (AuthPluginProvider provider : ServiceLoader.load(AuthPluginProvider.class, loader)) {
                LOG.info(
                        "Loaded auth plugin '{}' ({}) from {}.",
                        provider.id(),
                        provider.getClass().getName(),
                        jar);
                providers.add(provider);
            }
        } catch (ServiceConfigurationError | LinkageError | RuntimeException e) {
            throw new PluginLoadException(jar, withCauses(e), e);
        }
        if (providers.isEmpty()) {
            throw new PluginLoadException(
                    jar, "it declares no " + AuthPluginProvider.class.getName() + " in META-INF/services", null);
        }
        return providers;
    }

    /** ServiceLoader's own message says only "could not be instantiated"; the plugin's reason is in the causes. */
    private static String withCauses(Throwable failure) {
        StringBuilder message = new StringBuilder(failure.toString());
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            message.append("; caused by ").append(cause);
        }
        return message.toString();
    }

    /** Opens the jar once so a damaged zip or manifest is reported as such, not as a missing class later. */
    private static void checkReadable(Path jar) {
        try (JarFile file = new JarFile(jar.toFile(), true)) {
            file.getManifest();
        } catch (IOException | SecurityException e) {
            throw new PluginLoadException(jar, "not a readable jar (" + e + ")", e);
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new PluginLoadException(jar, e.toString(), e);
        }
    }
}
