package com.example.starling;

import io.starling.spi.AuthExchange;
import io.starling.spi.AuthResult;
import io.starling.spi.AuthStep;
import io.starling.spi.Authenticator;
import io.starling.spi.ConnectInfo;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts a client whose password is the shared secret, or (MQTT 5) one that proves it knows
 * the secret without sending it: the enhanced authentication method of {@link HmacChallenge}. The broker calls this on its auth
 * executor, never on a network thread, so it could just as well ask a database or an LDAP
 * server; an answer that fails or takes longer than starling.auth.timeout refuses the client.
 */
final class SharedSecretAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(SharedSecretAuthenticator.class);

    private final byte[] secret;
    private final HmacChallenge challenge;

    SharedSecretAuthenticator(byte[] secret) {
        this.secret = secret;
        this.challenge = new HmacChallenge(secret);
    }

    /**
     * An MQTT 5 client whose CONNECT named an Authentication Method: called for each step of
     * the exchange (and of every re-authentication), on the same auth threads.
     */
    @Override
    public CompletionStage<AuthStep> authenticate(AuthExchange exchange) {
        AuthStep step = challenge.step(exchange);
        if (step.outcome() == AuthStep.Outcome.SUCCESS || step.outcome() == AuthStep.Outcome.REFUSED) {
            String verdict = step.outcome() == AuthStep.Outcome.SUCCESS ? "accepted" : "refused";
            String what = exchange.reauthentication() ? "re-authentication" : "login";
            LOG.info("shared-secret: {} {} by {} for client {} from {}.", verdict, what, exchange.method(),
                exchange.connect().clientId(), exchange.connect().remoteAddress());
        }
        return CompletableFuture.completedFuture(step);
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
