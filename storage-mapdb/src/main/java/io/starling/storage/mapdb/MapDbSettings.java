package io.starling.storage.mapdb;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The {@code starling.storage.mapdb} keys, checked.
 *
 * @param maxSize largest store file size in bytes; 0 for no limit
 */
record MapDbSettings(Path directory, Durability durability, Duration commitInterval, long maxSize) {

    static final String PREFIX = "starling.storage.mapdb.";

    /** The name of the store file inside the directory (its write-ahead log files add ".wal.N"). */
    static final String FILE_NAME = "starling.mapdb";

    static MapDbSettings from(Config config) {
        Config c = config.getConfig("starling.storage.mapdb");
        Duration interval = c.getDuration("commit-interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new ConfigException.BadValue(c.origin(), PREFIX + "commit-interval",
                "must be a positive duration, was " + interval);
        }
        long maxSize = c.getBytes("max-size");
        if (maxSize < 0) {
            throw new ConfigException.BadValue(c.origin(), PREFIX + "max-size", "must be 0 or more, was " + maxSize);
        }
        return new MapDbSettings(Path.of(c.getString("directory")), durability(c), interval, maxSize);
    }

    private static Durability durability(Config c) {
        String value = c.getString("durability");
        try {
            return Durability.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(c.origin(), PREFIX + "durability",
                "must be always, interval or none, was '" + value + "'");
        }
    }

    Path file() {
        return directory.resolve(FILE_NAME);
    }
}
