package io.starling.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.config.AnonymousAccess;
import io.starling.spi.AuthResult;
import io.starling.spi.Authenticator;
import io.starling.spi.Authorizer;
import io.starling.spi.ClientIdentity;
import io.starling.spi.ConnectInfo;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The broker closes its auth plugins when it stops (AuthChain.close). */
class AuthChainCloseTest {

    /** A plugin that both authenticates and authorizes, counting its closes. */
    private static final class BothPlugin implements Authenticator, Authorizer {
        final AtomicInteger closes = new AtomicInteger();
        final boolean failOnClose;

        BothPlugin(boolean failOnClose) {
            this.failOnClose = failOnClose;
        }

        @Override
        public CompletionStage<AuthResult> authenticate(ConnectInfo info) {
            return CompletableFuture.completedFuture(AuthResult.NO_OPINION);
        }

        @Override
        public boolean canPublish(ClientIdentity client, String topic) {
            return true;
        }

        @Override
        public boolean canSubscribe(ClientIdentity client, String topicFilter) {
            return true;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            if (failOnClose) {
                throw new IllegalStateException("broken plugin");
            }
        }
    }

    @Test
    void everyPluginIsClosedOnceEvenIfAnotherFails() {
        BothPlugin both = new BothPlugin(false);
        BothPlugin broken = new BothPlugin(true);
        BothPlugin authorizerOnly = new BothPlugin(false);
        AuthChain chain = new AuthChain(
                List.of(broken, both),
                List.of(both, authorizerOnly),
                AnonymousAccess.ANY_ADDRESS,
                Duration.ofSeconds(1),
                Runnable::run);

        chain.close();

        assertEquals(1, both.closes.get(), "one object in both lists is closed once");
        assertEquals(1, broken.closes.get());
        assertEquals(1, authorizerOnly.closes.get(), "a failing plugin does not stop the others closing");
    }
}
