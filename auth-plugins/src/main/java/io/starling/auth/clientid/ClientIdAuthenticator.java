package io.starling.auth.clientid;

import io.starling.spi.AuthResult;
import io.starling.spi.Authenticator;
import io.starling.spi.ConnectInfo;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses (CONNACK 0x05) a client whose id its rules do not permit, and otherwise has no
 * opinion: it never accepts by itself, so credentials are still checked by the authenticators
 * after it. It must therefore come before them in {@code starling.auth.plugins}.
 */
final class ClientIdAuthenticator implements Authenticator {

    private static final Logger LOG = LoggerFactory.getLogger(ClientIdAuthenticator.class);

    private final ClientIdRules rules;

    ClientIdAuthenticator(ClientIdRules rules) {
        this.rules = rules;
    }

    @Override
    public CompletionStage<AuthResult> authenticate(ConnectInfo info) {
        if (rules.permits(info.username(), info.clientId())) {
            return CompletableFuture.completedFuture(AuthResult.NO_OPINION);
        }
        LOG.info(
                "Client id '{}' (user '{}') is not permitted by the client-id rules.",
                info.clientId(),
                info.username());
        return CompletableFuture.completedFuture(AuthResult.NOT_AUTHORIZED);
    }
}
