package io.starling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.time.Duration;

/**
 * The admin API and dashboard ({@code starling.admin}).
 *
 * @param listener      its HTTP listener (off unless {@code starling.admin.enabled})
 * @param tls           HTTPS with the certificate of {@code starling.tls}
 * @param passwordFile  the admin users, a file written with starling-passwd; empty for none
 * @param token         a token accepted as {@code Authorization: Bearer}; empty for none
 * @param loginLifetime how long a login lasts
 */
public record AdminSettings(
        ListenerSettings listener, boolean tls, String passwordFile, String token, Duration loginLifetime) {

    /** The shortest token accepted: a guessable token would open the whole cluster. */
    static final int MIN_TOKEN_LENGTH = 16;

    static AdminSettings from(Config c, TlsSettings tlsSettings) {
        ListenerSettings listener = ListenerSettings.from(c, "admin", "admin");
        boolean tls = c.getBoolean("starling.admin.tls");
        String passwordFile = c.getString("starling.admin.password-file");
        String token = c.getString("starling.admin.token");
        Duration lifetime = c.getDuration("starling.admin.login-lifetime");
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new ConfigException.BadValue(c.origin(), "starling.admin.login-lifetime", "must be positive");
        }
        if (!token.isEmpty() && token.length() < MIN_TOKEN_LENGTH) {
            throw new ConfigException.BadValue(
                    c.origin(), "starling.admin.token", "must be at least " + MIN_TOKEN_LENGTH + " characters");
        }
        if (listener.enabled() && passwordFile.isEmpty() && token.isEmpty()) {
            throw new ConfigException.BadValue(
                    c.origin(),
                    "starling.admin.enabled",
                    "the admin API needs starling.admin.password-file or starling.admin.token");
        }
        if (listener.enabled() && tls) {
            tlsSettings.requireCertificate();
        }
        return new AdminSettings(listener, tls, passwordFile, token, lifetime);
    }

    public boolean enabled() {
        return listener.enabled();
    }
}
