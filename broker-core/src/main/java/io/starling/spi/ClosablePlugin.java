package io.starling.spi;

/**
 * What every auth plugin object may release when the broker stops. One shared interface, so
 * that a class both authenticating and authorizing inherits one {@code close}.
 */
public interface ClosablePlugin {

    /**
     * Called once when the broker stops: release what the plugin holds (threads, files,
     * connections). A failure is logged and does not stop the shutdown.
     */
    default void close() {}

    /**
     * An operator asked (admin API) to re-read the plugin's files now, rather than when the
     * plugin would notice a change itself. A plugin without files does nothing.
     */
    default void reload() {}
}
