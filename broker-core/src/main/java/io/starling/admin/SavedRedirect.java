package io.starling.admin;

import io.starling.config.Mqtt5Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The redirect an operator set through the admin API ({@code POST /api/v1/nodes/ID/redirect}),
 * kept in the file {@value #FILE_NAME} of the node's data directory ({@code starling.data-directory})
 * so that it outlives a restart, until {@code DELETE} removes it and {@code starling.mqtt5.redirect}
 * applies again.
 */
public final class SavedRedirect {

    private static final Logger LOG = LoggerFactory.getLogger(SavedRedirect.class);

    static final String FILE_NAME = "redirect";

    private final Path file;

    public SavedRedirect(Path dataDirectory) {
        this.file = dataDirectory.resolve(FILE_NAME);
    }

    /**
     * The saved mode, or null if none is saved. A file that cannot be read or names no mode is
     * ignored (the setting applies), with one line in the log.
     */
    public String read() {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            String mode = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (Mqtt5Settings.REDIRECTS.contains(mode)) {
                return mode;
            }
            LOG.warn("Ignoring {}: '{}' is not a redirect mode {}.", file, mode, Mqtt5Settings.REDIRECTS);
        } catch (IOException e) {
            LOG.warn("Ignoring {}: it cannot be read: {}", file, e.toString());
        }
        return null;
    }

    /** Saves the mode (written whole to a new file, then moved over the old one). */
    public void save(String mode) {
        try {
            Files.createDirectories(file.getParent());
            Path written = file.resolveSibling(FILE_NAME + ".new");
            Files.writeString(written, mode + "\n", StandardCharsets.UTF_8);
            Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the redirect in " + file, e);
        }
    }

    /** Forgets the saved mode. */
    public void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove " + file, e);
        }
    }
}
