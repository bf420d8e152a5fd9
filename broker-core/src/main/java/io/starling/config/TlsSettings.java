package io.starling.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/** The certificate settings of the TLS listeners (MQTT over TLS and WebSocket over TLS). */
public record TlsSettings(
        String certFile,
        String keyFile,
        String keyPassword,
        String keystoreFile,
        String keystorePassword,
        ClientAuth clientAuth,
        String trustFile) {

    /** Whether clients must, may or need not present a certificate. */
    public enum ClientAuth {
        NONE,
        OPTIONAL,
        REQUIRE
    }

    static TlsSettings from(Config config) {
        String prefix = "starling.tls.";
        TlsSettings settings = new TlsSettings(
                config.getString(prefix + "cert-file"),
                config.getString(prefix + "key-file"),
                config.getString(prefix + "key-password"),
                config.getString(prefix + "keystore-file"),
                config.getString(prefix + "keystore-password"),
                clientAuth(config, prefix + "client-auth"),
                config.getString(prefix + "trust-file"));
        return settings;
    }

    /** Checks that the settings name a certificate; called only when a TLS listener is on. */
    void requireCertificate() {
        if (certFile.isEmpty() == keystoreFile.isEmpty()) {
            throw new ConfigException.BadValue(
                    "starling.tls.cert-file",
                    "a TLS listener is enabled: set either starling.tls.cert-file and key-file (PEM) "
                            + "or starling.tls.keystore-file (PKCS#12), not both");
        }
        if (!certFile.isEmpty() && keyFile.isEmpty()) {
            throw new ConfigException.BadValue("starling.tls.key-file", "starling.tls.cert-file needs a key-file");
        }
        if (clientAuth != ClientAuth.NONE && trustFile.isEmpty()) {
            throw new ConfigException.BadValue(
                    "starling.tls.trust-file",
                    "client-auth " + clientAuth.name().toLowerCase() + " needs the CA certificates in trust-file");
        }
    }

    private static ClientAuth clientAuth(Config config, String key) {
        String value = config.getString(key);
        return switch (value) {
            case "none" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            case "require" -> ClientAuth.REQUIRE;
            default ->
                throw new ConfigException.BadValue(
                        config.origin(), key, "must be none, optional or require, was '" + value + "'");
        };
    }
}
