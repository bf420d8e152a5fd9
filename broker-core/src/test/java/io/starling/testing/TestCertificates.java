package io.starling.testing;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Self-signed test certificates made with the JDK's {@code keytool} (always present with a
 * JDK), as PKCS#12 keystores and as PEM files, and TLS socket factories for test clients.
 */
public final class TestCertificates {

    public static final String PASSWORD = "changeit";

    private final Path keystore;

    private TestCertificates(Path keystore) {
        this.keystore = keystore;
    }

    /** A key pair and self-signed certificate for {@code cn} in {@code dir/<name>.p12}. */
    public static TestCertificates create(Path dir, String name, String cn) throws Exception {
        Path keystore = dir.resolve(name + ".p12");
        String keytool =
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(
                        keytool,
                        "-genkeypair",
                        "-alias",
                        name,
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=" + cn,
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystore.toString(),
                        "-storepass",
                        PASSWORD,
                        "-keypass",
                        PASSWORD)
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return new TestCertificates(keystore);
    }

    public Path keystore() {
        return keystore;
    }

    private KeyStore load() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private String alias() throws Exception {
        return load().aliases().nextElement();
    }

    /** Writes the certificate as PEM. */
    public Path writeCertificatePem(Path file) throws Exception {
        Certificate certificate = load().getCertificate(alias());
        Files.writeString(file, pem("CERTIFICATE", certificate.getEncoded()));
        return file;
    }

    /** Writes the private key as unencrypted PKCS#8 PEM. */
    public Path writeKeyPem(Path file) throws Exception {
        PrivateKey key = (PrivateKey) load().getKey(alias(), PASSWORD.toCharArray());
        Files.writeString(file, pem("PRIVATE KEY", key.getEncoded()));
        return file;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** A client socket factory that trusts {@code server}'s certificate and presents {@code client}'s, if given. */
    public static SSLSocketFactory clientFactory(TestCertificates server, TestCertificates client) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", server.load().getCertificate(server.alias()));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        KeyManagerFactory keys = null;
        if (client != null) {
            keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(client.load(), PASSWORD.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), new SecureRandom());
        return context.getSocketFactory();
    }

    /** HOCON settings lines for a TLS listener with this keystore. */
    public List<String> keystoreSettings() {
        return List.of(
                "tls.enabled = true",
                "tls.keystore-file = \"" + keystore + "\"",
                "tls.keystore-password = \"" + PASSWORD + "\"");
    }
}
