package io.starling.storage.mapdb;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.starling.config.BrokerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code starling.storage.mapdb} keys, checked.
 *
 * @param maxSize           largest store file size in bytes; 0 for no limit
 * @param maxClientQueue    bytes one client's stored queue may be charged ({@link QueueUsage}); 0 for no limit
 * @param maxQueueTotal     bytes all stored queues together may be charged; 0 for no limit
 */
record MapDbSettings(
        Path directory,
        Durability durability,
        Duration commitInterval,
        long maxSize,
        long maxClientQueue,
        long maxQueueTotal) {

    static final String PREFIX = "starling.storage.mapdb.";

    /** The name of the store file inside the directory (its write-ahead log files add ".wal.N"). */
    static final String FILE_NAME = "starling.mapdb";

    static MapDbSettings from(Config config) {
        Config c = config.getConfig("starling.storage.mapdb");
        Duration interval = c.getDuration("commit-interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new ConfigException.BadValue(
                    c.origin(), PREFIX + "commit-interval", "must be a positive duration, was " + interval);
        }
        Path directory = Path.of(c.getString("directory"));
        return new MapDbSettings(
                directory,
                durability(c),
                interval,
                atLeastZero(c, "max-size"),
                atLeastZero(c, "max-client-queue-size"),
                BrokerConfig.sizeOrShare(
                        config,
                        PREFIX + "max-queue-size-total",
                        "the free disk",
                        () -> DiskSpace.available(directory.resolve(FILE_NAME))));
    }

    private static long atLeastZero(Config c, String key) {
        long value = c.getBytes(key);
        if (value < 0) {
            throw new ConfigException.BadValue(c.origin(), PREFIX + key, "must be 0 or more, was " + value);
        }
        return value;
    }

    private static Durability durability(Config c) {
        String value = c.getString("durability");
        try {
            return Durability.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(
                    c.origin(), PREFIX + "durability", "must be always, interval or none, was '" + value + "'");
        }
    }

    Path file() {
        return directory.resolve(FILE_NAME);
    }
}
