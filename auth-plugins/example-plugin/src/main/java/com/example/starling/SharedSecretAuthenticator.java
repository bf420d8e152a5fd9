package com.example.starling;

import io.starling.spi.AuthResult;
import io.starling.spi.Authenticator;
import io.starling.spi.ConnectInfo;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a client whose password is the shared secret. The broker calls this on its auth
 * executor, never on a network thread, so it could just as well ask a database or an LDAP
 * server; an answer that fails or takes longer than starling.auth.timeout refuses the client.
 */
final class SharedSecretAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(SharedSecretAuthenticator.class);

    private final byte[] secret;

    SharedSecretAuthenticator(byte[] secret) {
        this.secret = secret;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(ConnectInfo info) {
        if (info.username() == null) {
            // Not ours to decide: the next plugin, or in the end starling.mqtt.allow-anonymous, does.
            return CompletableFuture.completedFuture(AuthResult.NO_OPINION);
        }
        // Compare in constant time so response times do not leak the secret.
        boolean matches = info.password() != null && MessageDigest.isEqual(secret, info.password());
        LOG.info("shared-secret: {} for user '{}' from {}.", matches ? "accepted" : "refused", info.username(),
            info.remoteAddress());
        // CONNACK 0 (accepted) or 4 (bad user name or password); NOT_AUTHORIZED would give 5.
        return CompletableFuture.completedFuture(matches ? AuthResult.ACCEPT : AuthResult.BAD_USERNAME_OR_PASSWORD);
    }
}
