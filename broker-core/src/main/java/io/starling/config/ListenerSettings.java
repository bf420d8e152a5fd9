package io.starling.config;

import com.typesafe.config.Config;

/**
 * One network listener.
 *
 * @param kind    what it serves, as the start-up log names it (ipv4, tls, websockets, ...)
 * @param path    its block in the configuration ({@code starling.listener}), for messages
 * @param enabled whether it is opened
 * @param host    the address it binds
 * @param port    the port (0 picks a free one)
 * @param maxConnectionsPerSecond new connections accepted per second (0: no limit)
 */
public record ListenerSettings(
        String kind, String path, boolean enabled, String host, int port, int maxConnectionsPerSecond) {

    static ListenerSettings from(Config config, String kind, String block) {
        String path = "starling." + block;
        String prefix = path + ".";
        boolean enabled = !config.hasPath(prefix + "enabled") || config.getBoolean(prefix + "enabled");
        int rate = config.hasPath(prefix + "max-connections-per-second")
                ? BrokerConfig.intIn(config, prefix + "max-connections-per-second", 0, 1_000_000)
                : 0;
        return new ListenerSettings(
                kind,
                path,
                enabled,
                config.getString(prefix + "host"),
                BrokerConfig.intIn(config, prefix + "port", 0, 65535),
                rate);
    }
}
