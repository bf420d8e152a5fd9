package io.starling.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private File file(String content) throws Exception {
        Path path = dir.resolve("starling.conf");
        Files.writeString(path, content);
        return path.toFile();
    }

    @Test
    void defaultsComeFromReferenceConf() {
        BrokerConfig config = BrokerConfig.from(ConfigLoader.load(null, Map.of()));
        assertEquals("0.0.0.0", config.mqtt().host());
        assertEquals(1883, config.mqtt().port());
        assertEquals(Duration.ofSeconds(10), config.connectTimeout());
        assertEquals(AnonymousAccess.LOOPBACK, config.anonymousAccess());
        assertEquals(Runtime.getRuntime().availableProcessors(), config.authThreads());
        assertEquals(0, config.maxQueuedBytes());
        assertEquals(BrokerConfig.QueueFullPolicy.PUSH_BACK, config.queueFullPolicy());
        assertEquals(Runtime.getRuntime().maxMemory() / 4, config.maxQueuedBytesTotal());
    }

    @Test
    void maxQueuedBytesTotalTakesASizeOrAShareOfTheHeap() throws Exception {
        assertEquals(
                512L << 20,
                BrokerConfig.from(ConfigLoader.load(file("starling.mqtt.max-queued-bytes-total = 512 MiB"), Map.of()))
                        .maxQueuedBytesTotal());
        assertEquals(
                Runtime.getRuntime().maxMemory() / 10,
                BrokerConfig.from(ConfigLoader.load(null, Map.of("STARLING_MQTT_MAX_QUEUED_BYTES_TOTAL", "10%")))
                        .maxQueuedBytesTotal());
        for (String bad : new String[] {"150%", "0%", "lots%", "-1"}) {
            ConfigException e = assertThrows(
                    ConfigException.class,
                    () -> BrokerConfig.from(
                            ConfigLoader.load(null, Map.of("STARLING_MQTT_MAX_QUEUED_BYTES_TOTAL", bad))),
                    bad);
            assertTrue(e.getMessage().contains("starling.mqtt.max-queued-bytes-total"), e.getMessage());
        }
    }

    @Test
    void maxQueuedBytesTakesASize() throws Exception {
        File conf = file("starling.mqtt.max-queued-bytes = 64 MiB");
        assertEquals(
                64L << 20, BrokerConfig.from(ConfigLoader.load(conf, Map.of())).maxQueuedBytes());
    }

    @Test
    void negativeMaxQueuedBytesStopsStartUpNamingTheKey() throws Exception {
        File conf = file("starling.mqtt.max-queued-bytes = -1");
        ConfigException e =
                assertThrows(ConfigException.class, () -> BrokerConfig.from(ConfigLoader.load(conf, Map.of())));
        assertTrue(e.getMessage().contains("starling.mqtt.max-queued-bytes"), e.getMessage());
    }

    @Test
    void fileOverridesReferenceAndEnvironmentOverridesFile() throws Exception {
        File conf = file("starling.listener.port = 1999\nstarling.mqtt.max-inflight-messages = 5");
        BrokerConfig config = BrokerConfig.from(ConfigLoader.load(
                conf, Map.of("STARLING_LISTENER_PORT", "2001", "STARLING_MQTT_QUEUE_FULL_POLICY", "drop-oldest")));
        assertEquals(2001, config.mqtt().port());
        assertEquals(5, config.maxInflightMessages());
        assertEquals(BrokerConfig.QueueFullPolicy.DROP_OLDEST, config.queueFullPolicy());
    }

    @Test
    void unknownKeyStopsStartUpNamingTheKey() throws Exception {
        File conf = file("starling.mqtt.max-inflight = 5");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(conf, Map.of()));
        assertTrue(e.getMessage().contains("starling.mqtt.max-inflight"), e.getMessage());
    }

    @Test
    void wrongTypeStopsStartUpNamingTheKey() throws Exception {
        File conf = file("starling.listener.port = eighteen");
        ConfigException e =
                assertThrows(ConfigException.class, () -> BrokerConfig.from(ConfigLoader.load(conf, Map.of())));
        assertTrue(e.getMessage().contains("starling.listener.port"), e.getMessage());
    }

    @Test
    void outOfRangeValueStopsStartUpNamingTheKey() throws Exception {
        File conf = file("starling.listener.port = 70000");
        ConfigException e =
                assertThrows(ConfigException.class, () -> BrokerConfig.from(ConfigLoader.load(conf, Map.of())));
        assertTrue(e.getMessage().contains("starling.listener.port"), e.getMessage());
    }

    @Test
    void badPolicyStopsStartUpNamingTheKey() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> BrokerConfig.from(
                        ConfigLoader.load(null, Map.of("STARLING_MQTT_QUEUE_FULL_POLICY", "drop-all"))));
        assertTrue(e.getMessage().contains("starling.mqtt.queue-full-policy"), e.getMessage());
    }

    @Test
    void missingFileIsReported() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ConfigLoader.load(dir.resolve("nope.conf").toFile(), Map.of()));
        assertTrue(e.getMessage().contains("nope.conf"), e.getMessage());
    }

    @Test
    void pluginBlocksOfListedPluginsAreThePluginsOwn() throws Exception {
        File conf = file("starling.auth.plugins = [my-ldap]\nstarling.auth.my-ldap { url = \"ldap://localhost\" }");
        assertEquals("ldap://localhost", ConfigLoader.load(conf, Map.of()).getString("starling.auth.my-ldap.url"));
    }
}
