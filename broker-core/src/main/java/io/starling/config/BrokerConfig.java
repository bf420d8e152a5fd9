package io.starling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The broker-core settings, read once from the effective {@link Config} and checked, so a
 * bad value stops start-up with a message naming its key.
 */
public record BrokerConfig(
        ListenerSettings mqtt,
        ListenerSettings tls,
        ListenerSettings websocket,
        ListenerSettings websocketTls,
        ListenerSettings http,
        AdminSettings admin,
        TlsSettings tlsSettings,
        String websocketPath,
        Duration sysInterval,
        int ioThreads,
        int maxPacketSize,
        Duration connectTimeout,
        int maxClientIdLength,
        int maxInflightMessages,
        int maxQueuedMessages,
        long maxQueuedBytes,
        QueueFullPolicy queueFullPolicy,
        Duration pushBackTimeout,
        long maxQueuedBytesTotal,
        boolean queueQos0Messages,
        AnonymousAccess anonymousAccess,
        String storageType,
        String clusterType,
        List<String> authPlugins,
        Duration authTimeout,
        int authThreads,
        LoginLimits loginLimits,
        Mqtt5Settings mqtt5,
        boolean verbose,
        Config raw) {

    /**
     * What to do with a message for a client whose queue is full: push back on the publishers
     * feeding an online client (an offline one drops the newest), or drop the newest or the
     * oldest messages.
     */
    public enum QueueFullPolicy {
        PUSH_BACK,
        DROP_NEWEST,
        DROP_OLDEST
    }

    /** The largest packet MQTT can express: remaining length 268,435,455 plus a 5-byte fixed header. */
    static final int MQTT_MAX_PACKET_SIZE = 268_435_460;

    public static BrokerConfig from(Config config) {
        Config c = config;
        ListenerSettings tls = ListenerSettings.from(c, "tls", "tls");
        ListenerSettings websocketTls = ListenerSettings.from(c, "websockets-tls", "websocket-tls");
        TlsSettings tlsSettings = TlsSettings.from(c);
        if (tls.enabled() || websocketTls.enabled()) {
            tlsSettings.requireCertificate();
        }
        Duration sysInterval = c.getDuration("starling.sys-interval");
        if (sysInterval.isNegative()) {
            throw new ConfigException.BadValue(c.origin(), "starling.sys-interval", "must not be negative");
        }
        return new BrokerConfig(
                ListenerSettings.from(c, "ipv4", "listener"),
                tls,
                ListenerSettings.from(c, "websockets", "websocket"),
                websocketTls,
                ListenerSettings.from(c, "http", "http"),
                AdminSettings.from(c, tlsSettings),
                tlsSettings,
                c.getString("starling.websocket.path"),
                sysInterval,
                threads(c, "starling.io-threads"),
                intIn(c, "starling.mqtt.max-packet-size", 16, MQTT_MAX_PACKET_SIZE),
                positive(c, "starling.mqtt.connect-timeout"),
                intIn(c, "starling.mqtt.max-client-id-length", 23, 65535),
                intIn(c, "starling.mqtt.max-inflight-messages", 1, 65535),
                intIn(c, "starling.mqtt.max-queued-messages", 0, Integer.MAX_VALUE),
                bytesAtLeastZero(c, "starling.mqtt.max-queued-bytes"),
                policy(c, "starling.mqtt.queue-full-policy"),
                positive(c, "starling.mqtt.push-back-timeout"),
                sizeOrHeapShare(c, "starling.mqtt.max-queued-bytes-total"),
                c.getBoolean("starling.mqtt.queue-qos0-messages"),
                AnonymousAccess.from(c, "starling.mqtt.allow-anonymous"),
                c.getString("starling.storage.type"),
                c.getString("starling.cluster.type"),
                c.getStringList("starling.auth.plugins"),
                positive(c, "starling.auth.timeout"),
                threads(c, "starling.auth.threads"),
                LoginLimits.from(c),
                Mqtt5Settings.from(c),
                c.getBoolean("starling.log.verbose"),
                config);
    }

    /** A thread count, 0 meaning one per CPU core. */
    private static int threads(Config c, String key) {
        int configured = intIn(c, key, 0, 1024);
        return configured == 0 ? Runtime.getRuntime().availableProcessors() : configured;
    }

    static int intIn(Config c, String key, int min, int max) {
        int value = c.getInt(key);
        if (value < min || value > max) {
            throw new ConfigException.BadValue(
                    c.origin(), key, "must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /** A size in bytes ({@code 0}, {@code 65536}, {@code 64 MiB}); negative values are refused. */
    private static long bytesAtLeastZero(Config c, String key) {
        long value = c.getBytes(key);
        if (value < 0) {
            throw new ConfigException.BadValue(c.origin(), key, "must not be negative, was " + value);
        }
        return value;
    }

    /**
     * A size in bytes, or a share of the maximum heap ({@code "25%"}), as the bound of memory
     * the broker may hold for something. 0 means no bound.
     */
    static long sizeOrHeapShare(Config c, String key) {
        return sizeOrShare(c, key, "the heap", () -> Runtime.getRuntime().maxMemory());
    }

    /**
     * A size in bytes ({@code 0}, {@code 65536}, {@code 64 MiB}), or a percentage of
     * {@code whole} ({@code "25%"}, above 0 and at most 100), which is asked only then.
     *
     * @param wholeName what the percentage is of, for the error message
     */
    public static long sizeOrShare(Config c, String key, String wholeName, LongSupplier whole) {
        String text = c.getString(key).trim();
        if (!text.endsWith("%")) {
            return bytesAtLeastZero(c, key);
        }
        double percent;
        try {
            percent = Double.parseDouble(text.substring(0, text.length() - 1).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException.BadValue(
                    c.origin(), key, "must be a size or a percentage of " + wholeName + ", was '" + text + "'");
        }
        if (percent <= 0 || percent > 100) {
            throw new ConfigException.BadValue(
                    c.origin(), key, "percentage must be above 0 and at most 100, was " + text);
        }
        return (long) (whole.getAsLong() * percent / 100);
    }

    private static Duration positive(Config c, String key) {
        Duration value = c.getDuration(key);
        if (value.isNegative() || value.isZero()) {
            throw new ConfigException.BadValue(c.origin(), key, "must be a positive duration, was " + value);
        }
        return value;
    }

    private static QueueFullPolicy policy(Config c, String key) {
        String value = c.getString(key);
        return switch (value) {
            case "push-back" -> QueueFullPolicy.PUSH_BACK;
            case "drop-newest" -> QueueFullPolicy.DROP_NEWEST;
            case "drop-oldest" -> QueueFullPolicy.DROP_OLDEST;
            default ->
                throw new ConfigException.BadValue(
                        c.origin(), key, "must be push-back, drop-newest or drop-oldest, was '" + value + "'");
        };
    }
}
