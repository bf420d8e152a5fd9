package io.starling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Who may connect when no auth plugin decides ({@code starling.mqtt.allow-anonymous}). The
 * default is loopback, as Mosquitto 2 without a listener setting: a fresh installation is not
 * open to the network until the operator says so.
 */
public enum AnonymousAccess {
    /** {@code true}: clients from any address. */
    ANY_ADDRESS("anonymous clients from any address"),
    /** {@code loopback}: clients on this machine only (127.0.0.0/8, ::1). */
    LOOPBACK("anonymous clients from loopback only"),
    /** {@code false}: nobody without credentials an auth plugin accepts. */
    NONE("no anonymous clients");

    private final String description;

    AnonymousAccess(String description) {
        this.description = description;
    }

    /** For the start-up line of each listener. */
    public String description() {
        return description;
    }

    /** Whether a client from {@code remote} may connect anonymously. */
    public boolean allows(SocketAddress remote) {
        return switch (this) {
            case ANY_ADDRESS -> true;
            case NONE -> false;
            case LOOPBACK ->
                remote instanceof InetSocketAddress address
                        && address.getAddress() != null
                        && address.getAddress().isLoopbackAddress();
        };
    }

    static AnonymousAccess from(Config config, String key) {
        // HOCON gives booleans as "true"/"false" to getString.
        String value = config.getString(key);
        return switch (value) {
            case "true" -> ANY_ADDRESS;
            case "loopback" -> LOOPBACK;
            case "false" -> NONE;
            default ->
                throw new ConfigException.BadValue(
                        config.origin(), key, "must be true, loopback or false, was '" + value + "'");
        };
    }
}
