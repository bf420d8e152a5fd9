package io.starling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentSettingsTest {

    private static final Config REFERENCE =
            ConfigFactory.parseResources("reference.conf").resolve();

    @Test
    void namesArePrefixedUpperCaseWithUnderscores() {
        assertEquals("STARLING_LISTENER_PORT", EnvironmentSettings.variableName("starling.listener.port"));
        assertEquals(
                "STARLING_AUTH_FAILED_LOGINS_MAX_PER_ADDRESS",
                EnvironmentSettings.variableName("starling.auth.failed-logins.max-per-address"));
    }

    @Test
    void valuesTakeTheTypeOfTheirKey() {
        Config set = EnvironmentSettings.from(
                REFERENCE,
                Map.of(
                        "STARLING_LISTENER_PORT", "1884",
                        "STARLING_LISTENER_HOST", "127.0.0.1",
                        "STARLING_TLS_ENABLED", "true",
                        "STARLING_MQTT_CONNECT_TIMEOUT", "5s",
                        "STARLING_AUTH_PLUGINS", "[\"password-file\", \"acl\"]",
                        "STARLING_TLS_KEY_PASSWORD", "se\"cr\\et"));
        assertEquals(1884, set.getInt("starling.listener.port"));
        assertEquals("127.0.0.1", set.getString("starling.listener.host"));
        assertTrue(set.getBoolean("starling.tls.enabled"));
        assertEquals(5, set.getDuration("starling.mqtt.connect-timeout").toSeconds());
        assertEquals(List.of("password-file", "acl"), set.getStringList("starling.auth.plugins"));
        assertEquals("se\"cr\\et", set.getString("starling.tls.key-password"));
    }

    @Test
    void variablesForNoKeyAndOtherVariablesAreIgnored() {
        Config set = EnvironmentSettings.from(
                REFERENCE, Map.of("STARLING_NO_SUCH_KEY", "1", "PATH", "/usr/bin", "STARLING_OPTS", "-Xmx1g"));
        assertTrue(set.isEmpty(), set.toString());
    }

    @Test
    void everyKeyOfTheReferenceCanBeSet() {
        // A container is configured by its environment alone: no key may be out of reach.
        for (Map.Entry<String, ConfigValue> entry :
                REFERENCE.withOnlyPath("starling").entrySet()) {
            String path = entry.getKey();
            String value = String.valueOf(entry.getValue().unwrapped());
            String text = entry.getValue().valueType() == ConfigValueType.LIST
                    ? entry.getValue().render(ConfigRenderOptions.concise())
                    : value;
            Config set = EnvironmentSettings.from(REFERENCE, Map.of(EnvironmentSettings.variableName(path), text));
            assertEquals(entry.getValue().unwrapped(), set.getValue(path).unwrapped(), path);
        }
    }
}
