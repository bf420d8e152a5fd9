package io.starling.transport;

import com.typesafe.config.ConfigException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.starling.config.TlsSettings;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;

/**
 * Builds the server TLS context from PEM files or a PKCS#12 keystore, on OpenSSL (BoringSSL from
 * netty-tcnative) where its native library loads, otherwise on the JDK's TLS.
 */
public final class TlsContexts {

    /** Sessions kept for resumption (the JDK's default): a few MB at most. */
    private static final int SESSION_CACHE_SIZE = 20_480;
    /** How long a session may be resumed; a day, as the JDK's default. */
    private static final long SESSION_TIMEOUT_SECONDS = 86_400;

    private TlsContexts() {}

    /**
     * OpenSSL when netty-tcnative's native library loads on this machine: a full handshake
     * costs about half the CPU of the JDK's (BENCHMARKS.md, reconnect storm over TLS); the
     * JDK's TLS everywhere else (another operating system or CPU, a JVM that may not load
     * native code), with the same settings.
     */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    /** The provider's name for the start-up line: {@code OpenSSL (BoringSSL ...)} or {@code JDK}. */
    public static String providerName() {
        return provider() == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
    }

    /** Fails start-up with a message naming the setting when a file is missing or unreadable. */
    public static SslContext server(TlsSettings settings) {
        try {
            SslContextBuilder builder;
            if (!settings.certFile().isEmpty()) {
                builder = SslContextBuilder.forServer(
                        existing(settings.certFile(), "starling.tls.cert-file"),
                        existing(settings.keyFile(), "starling.tls.key-file"),
                        settings.keyPassword().isEmpty() ? null : settings.keyPassword());
            } else {
                builder = SslContextBuilder.forServer(keyManagers(settings));
            }
            if (settings.clientAuth() != TlsSettings.ClientAuth.NONE) {
                builder.trustManager(existing(settings.trustFile(), "starling.tls.trust-file"))
                        .clientAuth(
                                settings.clientAuth() == TlsSettings.ClientAuth.REQUIRE
                                        ? ClientAuth.REQUIRE
                                        : ClientAuth.OPTIONAL);
            }
            // Resumption (a session cache for TLS 1.2 session ids; TLS 1.3 tickets are on in both
            // providers by default): a client reconnecting within the timeout skips the key
            // exchange and the certificate signature, most of a full handshake's CPU.
            return builder.sslProvider(provider())
                    .sessionCacheSize(SESSION_CACHE_SIZE)
                    .sessionTimeout(SESSION_TIMEOUT_SECONDS)
                    .build();
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException.BadValue("starling.tls", "the TLS certificate settings cannot be used: " + e);
        }
    }

    private static KeyManagerFactory keyManagers(TlsSettings settings) throws Exception {
        File file = existing(settings.keystoreFile(), "starling.tls.keystore-file");
        char[] password = settings.keystorePassword().toCharArray();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file.toPath())) {
            keyStore.load(in, password);
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keyStore, password);
        return factory;
    }

    private static File existing(String path, String key) {
        File file = new File(path);
        if (!file.canRead()) {
            throw new ConfigException.BadValue(key, "cannot read the file '" + path + "'");
        }
        return file;
    }
}
