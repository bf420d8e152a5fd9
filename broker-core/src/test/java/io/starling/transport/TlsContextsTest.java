package io.starling.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.handler.ssl.SslProvider;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class TlsContextsTest {

    /** The broker ships netty-tcnative's BoringSSL for Linux: there the TLS listeners must not fall back to the JDK. */
    @Test
    void onLinuxTheTlsListenersRunOnTheShippedOpenSsl() {
        String arch = System.getProperty("os.arch");
        assumeTrue(
                System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
                        && (arch.equals("amd64") || arch.equals("aarch64")),
                "netty-tcnative is shipped for Linux x86-64 and aarch64");
        assertEquals(SslProvider.OPENSSL, TlsContexts.provider());
        assertTrue(TlsContexts.providerName().startsWith("OpenSSL ("), TlsContexts.providerName());
    }
}
