package io.starling.auth.file;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file parsed into a value and parsed again when it changes, so users and rules can be
 * edited without a restart. A change is seen by its modification time, size or file key
 * (an editor or starling-passwd replacing the file gives it a new inode). The first read
 * must succeed; a later one that fails (file half-written, syntax error, deleted) keeps the
 * last good value and logs why, so a typo never locks everyone out or lets everyone in.
 *
 * @param <T> what the file's lines are parsed into
 */
public final class ReloadingFile<T> {

    /** Parses the lines of the file; throws {@link IllegalArgumentException} naming the bad line. */
    @FunctionalInterface
    public interface Parser<T> {
        T parse(List<String> lines);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReloadingFile.class);

    private final Path path;
    private final Parser<T> parser;
    private Stamp stamp;
    private volatile T value;

    /** Reads the file now; throws {@link IllegalArgumentException} when it cannot be read or parsed. */
    public ReloadingFile(Path path, Parser<T> parser) {
        this.path = path;
        this.parser = parser;
        try {
            this.stamp = Stamp.of(path);
            this.value = parser.parse(Files.readAllLines(path));
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read " + path.toAbsolutePath() + ": " + e, e);
        }
    }

    /**
     * The file named by the {@code file} key of a plugin's config block; a file that cannot be
     * read or parsed stops start-up with a message naming the key.
     */
    public static <T> ReloadingFile<T> configured(String pluginId, Config pluginConfig, Parser<T> parser) {
        String key = "starling.auth." + pluginId + ".file";
        try {
            return new ReloadingFile<>(Path.of(pluginConfig.getString("file")), parser);
        } catch (ConfigException.Missing e) {
            throw new ConfigException.Missing(key, e);
        } catch (IllegalArgumentException e) {
            throw new ConfigException.BadValue(key, e.getMessage(), e);
        }
    }

    /** The last value read, without touching the file system (safe on a network thread). */
    public T value() {
        return value;
    }

    /** Re-reads the file if it changed since the last read, then returns the current value. */
    public synchronized T refresh() {
        Stamp now;
        try {
            now = Stamp.of(path);
        } catch (IOException e) {
            LOG.warn("Cannot check {} ({}); keeping the rules read before.", path, e.toString());
            return value;
        }
        if (!now.equals(stamp)) {
            // Remember the stamp even when parsing fails, so a broken file is reported once, not on every use.
            stamp = now;
            try {
                value = parser.parse(Files.readAllLines(path));
                LOG.info("Reloaded {}.", path);
            } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                LOG.error("Cannot reload {}; keeping the rules read before: {}", path, e.getMessage());
            }
        }
        return value;
    }

    private record Stamp(long modifiedNanos, long size, Object fileKey) {
        static Stamp of(Path path) throws IOException {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return new Stamp(
                    attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), attributes.size(), attributes.fileKey());
        }
    }
}
