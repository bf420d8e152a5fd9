package io.starling.auth;

import java.nio.file.Path;

/** A plugin jar that cannot be loaded; start-up stops with this message, which names the jar. */
public final class PluginLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    PluginLoadException(Path jar, String problem, Throwable cause) {
        super("cannot load plugin jar " + jar + ": " + problem, cause);
    }
}
