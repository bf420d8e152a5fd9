package io.starling.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.starling.config.AnonymousAccess;
import io.starling.spi.AuthExchange;
import io.starling.spi.AuthResult;
import io.starling.spi.AuthStep;
import io.starling.spi.Authenticator;
import io.starling.spi.ConnectInfo;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How the chain runs an MQTT 5 enhanced authentication: the first step goes to the plugins in
 * order until one knows the method, the later ones to that plugin only; it fails closed.
 */
class AuthChainEnhancedTest {

    private static final ConnectInfo CLIENT =
            new ConnectInfo("c1", null, null, new InetSocketAddress("127.0.0.1", 1883), 5, null);

    /** A plugin answering each step with {@code answer}. */
    private static Authenticator plugin(Function<AuthExchange, AuthStep> answer) {
        return new Authenticator() {
            @Override
            public CompletionStage<AuthResult> authenticate(ConnectInfo info) {
                return CompletableFuture.completedFuture(AuthResult.NO_OPINION);
            }

            @Override
            public CompletionStage<AuthStep> authenticate(AuthExchange exchange) {
                return CompletableFuture.completedFuture(answer.apply(exchange));
            }
        };
    }

    private static AuthChain chain(Authenticator... authenticators) {
        // Anonymous access allowed everywhere: it must not accept a client that asked for a method.
        return new AuthChain(
                List.of(authenticators), List.of(), AnonymousAccess.ANY_ADDRESS, Duration.ofSeconds(5), Runnable::run);
    }

    private static AuthChain.Decision decide(AuthChain chain, AuthExchange exchange, Authenticator owner) {
        return chain.authenticate(exchange, owner).toCompletableFuture().join();
    }

    private static AuthExchange first(String method) {
        return new AuthExchange(CLIENT, method, null, false, null);
    }

    @Test
    void theFirstPluginThatKnowsTheMethodAnswersAndOwnsTheExchange() {
        Authenticator password = plugin(exchange -> AuthStep.noOpinion());
        Authenticator scram = plugin(exchange -> exchange.method().equals("SCRAM-SHA-1")
                ? AuthStep.challenge(new byte[] {1}, "nonce")
                : AuthStep.noOpinion());
        AuthChain.Decision decision = decide(chain(password, scram), first("SCRAM-SHA-1"), null);
        assertEquals(AuthStep.Outcome.CONTINUE, decision.step().outcome());
        assertEquals("nonce", decision.step().state());
        assertSame(scram, decision.by());
    }

    @Test
    void aMethodNoPluginKnowsIsABadAuthenticationMethodEvenWithAnonymousAccess() {
        AuthChain.Decision decision = decide(chain(plugin(exchange -> AuthStep.noOpinion())), first("GSSAPI"), null);
        assertEquals(AuthStep.Outcome.REFUSED, decision.step().outcome());
        assertEquals(AuthResult.BAD_AUTHENTICATION_METHOD, decision.step().refusal());
        assertNull(decision.by());
    }

    @Test
    void laterStepsGoToTheOwnerOnlyAndItsNoOpinionRefuses() {
        Authenticator other = plugin(exchange -> AuthStep.success(null));
        Authenticator owner = plugin(exchange -> AuthStep.noOpinion());
        AuthExchange answer = new AuthExchange(CLIENT, "M", new byte[] {2}, false, "state");
        AuthChain.Decision decision = decide(chain(other, owner), answer, owner);
        assertEquals(AuthStep.Outcome.REFUSED, decision.step().outcome());
        assertEquals(AuthResult.NOT_AUTHORIZED, decision.step().refusal());
        assertSame(owner, decision.by());
    }

    @Test
    void aPluginThatThrowsRefusesTheClient() {
        Authenticator broken = plugin(exchange -> {
            throw new IllegalStateException("database down");
        });
        AuthChain.Decision decision =
                decide(chain(broken, plugin(exchange -> AuthStep.success(null))), first("M"), null);
        assertEquals(AuthStep.Outcome.REFUSED, decision.step().outcome());
        assertEquals(AuthResult.NOT_AUTHORIZED, decision.step().refusal());
    }
}
