package io.starling.transport;

import com.typesafe.config.ConfigException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.starling.config.TlsSettings;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;

/** Builds the server TLS context from PEM files or a PKCS#12 keystore. */
public final class TlsContexts {

    private TlsContexts() {
    }

    /** Fails start-up with a message naming the setting when a file is missing or unreadable. */
    public static SslContext server(TlsSettings settings) {
        try {
            SslContextBuilder builder;
            if (!settings.certFile().isEmpty()) {
                builder = SslContextBuilder.forServer(existing(settings.certFile(), "starling.tls.cert-file"),
                    existing(settings.keyFile(), "starling.tls.key-file"),
                    settings.keyPassword().isEmpty() ? null : settings.keyPassword());
            } else {
                builder = SslContextBuilder.forServer(keyManagers(settings));
            }
            if (settings.clientAuth() != TlsSettings.ClientAuth.NONE) {
                builder.trustManager(existing(settings.trustFile(), "starling.tls.trust-file"))
                    .clientAuth(settings.clientAuth() == TlsSettings.ClientAuth.REQUIRE ? ClientAuth.REQUIRE
                        : ClientAuth.OPTIONAL);
            }
            return builder.build();
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
