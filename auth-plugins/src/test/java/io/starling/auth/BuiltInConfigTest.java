package io.starling.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.starling.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in plugins' keys pass the strict config checks; typos in them stop start-up, listed or not. */
class BuiltInConfigTest {

    @TempDir
    Path directory;

    private Config load(String... lines) throws Exception {
        return ConfigLoader.load(
                Files.writeString(directory.resolve("starling.conf"), String.join("\n", lines))
                        .toFile(),
                Map.of());
    }

    @Test
    void theConfigurationShownInAuthMdLoads() throws Exception {
        Config config = load(
                "starling {",
                "  mqtt.allow-anonymous = false",
                "  auth {",
                "    plugins = [client-id, password-file, acl-file]",
                "    password-file { file = \"conf/passwd\" }",
                "    acl-file      { file = \"conf/acl\" }",
                "    client-id     { allow = [{ user = \"alice\", pattern = \"alice-.*\" }] }",
                "  }",
                "}");
        assertEquals(List.of("client-id", "password-file", "acl-file"), config.getStringList("starling.auth.plugins"));
        assertEquals("2s", config.getString("starling.auth.acl-file.reload-interval"));
    }

    @Test
    void aMisspelledKeyOfAListedBuiltInPluginStopsStartup() {
        ConfigException failure = assertThrows(
                ConfigException.class,
                () -> AssembledBroker.start("auth.plugins = [acl-file]", "auth.acl-file.fiel = \"conf/acl\""));
        assertTrue(failure.getMessage().contains("starling.auth.acl-file.fiel"), failure.getMessage());
    }

    @Test
    void aMisspelledKeyOfAnUnlistedBuiltInPluginIsRefused() throws Exception {
        ConfigException failure =
                assertThrows(ConfigException.class, () -> load("starling.auth.password-file.fiel = \"conf/passwd\""));
        assertTrue(failure.getMessage().contains("starling.auth.password-file.fiel"), failure.getMessage());
    }
}
