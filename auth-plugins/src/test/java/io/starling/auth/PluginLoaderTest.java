package io.starling.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.spi.AuthPluginProvider;
import io.starling.spi.Authenticator;
import io.starling.testing.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading plugin jars from a directory: isolation, and every way a jar can be broken. */
class PluginLoaderTest {

    private static final String SERVICES = "META-INF/services/" + AuthPluginProvider.class.getName();
    private static final Path EXAMPLE_PROJECT = Path.of("example-plugin");

    @TempDir
    Path work;

    private Path plugins() {
        return work.resolve("plugins");
    }

    private List<AuthPluginProvider> load() {
        return PluginLoader.load(plugins(), getClass().getClassLoader());
    }

    /** A one-class plugin: {@code broken.Provider} with the given body, declared as a service. */
    private Path providerJar(String name, String body) throws Exception {
        String source = "package broken;\n" + "public class Provider implements io.starling.spi.AuthPluginProvider {\n"
                + body + "\n}\n";
        return PluginJars.fromText(
                work,
                Map.of("broken/Provider.java", source),
                Map.of(SERVICES, "broken.Provider\n"),
                plugins().resolve(name));
    }

    private void assertStartupStops(String jarName, String reason) {
        PluginLoadException failure = assertThrows(PluginLoadException.class, this::load);
        assertTrue(failure.getMessage().contains(plugins().resolve(jarName).toString()), failure.getMessage());
        assertTrue(failure.getMessage().contains(reason), failure.getMessage());
    }

    @Test
    void aGoodJarIsLoadedInItsOwnClassLoaderThatSeesOnlyTheSpi() throws Exception {
        PluginJars.project(EXAMPLE_PROJECT, work, plugins().resolve("example.jar"));
        List<AuthPluginProvider> providers = load();
        assertEquals(1, providers.size());
        AuthPluginProvider plugin = providers.get(0);
        assertEquals("shared-secret", plugin.id());
        ClassLoader loader = plugin.getClass().getClassLoader();
        assertSame(Authenticator.class, loader.loadClass(Authenticator.class.getName()), "the SPI is the broker's");
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("io.starling.Broker"));
        assertThrows(ClassNotFoundException.class, () -> loader.loadClass("io.netty.channel.Channel"));
        assertThrows(
                ClassNotFoundException.class, () -> loader.loadClass(getClass().getName()));
    }

    @Test
    void noDirectoryMeansNoPlugins() {
        assertEquals(List.of(), load());
    }

    @Test
    void aFileThatIsNotAJarStopsStartup() throws Exception {
        Files.createDirectories(plugins());
        Files.writeString(plugins().resolve("garbage.jar"), "this is not a zip file");
        assertStartupStops("garbage.jar", "not a readable jar");
    }

    @Test
    void aDeclaredProviderClassThatIsMissingStopsStartup() throws Exception {
        PluginJars.fromText(
                work,
                Map.of(),
                Map.of(SERVICES, "com.example.Missing\n"),
                plugins().resolve("missing.jar"));
        assertStartupStops("missing.jar", "com.example.Missing not found");
    }

    @Test
    void aProviderThatThrowsWhileCreatedStopsStartup() throws Exception {
        providerJar(
                "throws.jar",
                "public Provider() { throw new IllegalStateException(\"no licence\"); }\n"
                        + "public String id() { return \"throws\"; }");
        assertStartupStops("throws.jar", "no licence");
    }

    @Test
    void aProviderThatUsesBrokerInternalsStopsStartup() throws Exception {
        providerJar(
                "internal.jar",
                "private final Object internal = io.starling.Broker.class;\n"
                        + "public String id() { return \"internal\"; }");
        assertStartupStops("internal.jar", "io/starling/Broker");
    }

    @Test
    void aJarWithoutProviderStopsStartup() throws Exception {
        PluginJars.fromText(
                work, Map.of(), Map.of("readme.txt", "nothing here"), plugins().resolve("empty.jar"));
        assertStartupStops("empty.jar", "declares no io.starling.spi.AuthPluginProvider");
    }

    @Test
    void aJarMayNotReplaceABuiltInPlugin() throws Exception {
        providerJar("impostor.jar", "public String id() { return \"password-file\"; }");
        assertStartupStops("impostor.jar", "another plugin already has the id 'password-file'");
    }
}
