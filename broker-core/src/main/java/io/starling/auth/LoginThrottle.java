package io.starling.auth;

import io.starling.config.LoginLimits;
import io.starling.metrics.BrokerMetrics;
import io.starling.metrics.ThrottledLog;
import io.starling.spi.AuthResult;
import io.starling.spi.ConnectInfo;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * Authenticates CONNECTs through the {@link AuthChain}, except those whose source address or
 * user name has failed too often lately ({@link FailedLogins}): these are refused at once,
 * without asking any plugin, or wait out the hold (no thread waits meanwhile), as
 * {@code starling.auth.failed-logins.action} says. So a guesser costs the broker one
 * CONNECT/CONNACK, never a password hash, and clients on other addresses are not held up.
 * Only BAD_USERNAME_OR_PASSWORD counts as a failure: NOT_AUTHORIZED (anonymous, client-id rules)
 * costs no hash and is the operator's rule, not a guess.
 */
public final class LoginThrottle {

    private final AuthChain chain;
    private final LoginLimits limits;
    private final FailedLogins failures;
    private final BrokerMetrics metrics;
    private final ThrottledLog log =
            new ThrottledLog(LoggerFactory.getLogger(LoginThrottle.class), Duration.ofSeconds(10));

    public LoginThrottle(AuthChain chain, LoginLimits limits, BrokerMetrics metrics, LongSupplier nanoClock) {
        this.chain = chain;
        this.limits = limits;
        this.failures = new FailedLogins(limits, nanoClock);
        this.metrics = metrics;
    }

    /**
     * The answer to a CONNECT.
     *
     * @param result   ACCEPT, BAD_USERNAME_OR_PASSWORD or NOT_AUTHORIZED
     * @param heldBack refused (NOT_AUTHORIZED) without asking the auth plugins; already counted and
     *                 logged here, in bulk, so the connection logs no line of its own
     */
    public record Verdict(AuthResult result, boolean heldBack) {}

    private static final CompletionStage<Verdict> HELD_BACK =
            CompletableFuture.completedFuture(new Verdict(AuthResult.NOT_AUTHORIZED, true));

    public CompletionStage<Verdict> authenticate(ConnectInfo info) {
        // The address without the port: a guesser opens a new connection, with a new port, per guess.
        Object address = info.remoteAddress() instanceof InetSocketAddress socket && socket.getAddress() != null
                ? socket.getAddress()
                : info.remoteAddress();
        long holdNanos = failures.holdNanos(address, info.username());
        if (holdNanos == 0) {
            return checked(info, address);
        }
        metrics.loginHeldBack();
        boolean refuse = limits.action() == LoginLimits.Action.REFUSE;
        log.event(
                "Held back {} CONNECT(s) since the last report after too many failed authentications from their"
                        + " address or with their user name ({}; latest: client {}, user '{}', from {}).",
                refuse ? "refused with CONNACK 5" : "delayed",
                info.clientId(),
                info.username(),
                info.remoteAddress());
        if (refuse) {
            return HELD_BACK;
        }
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(holdNanos, TimeUnit.NANOSECONDS))
                .thenCompose(ignored -> checked(info, address));
    }

    private CompletionStage<Verdict> checked(ConnectInfo info, Object address) {
        return chain.authenticate(info).thenApply(result -> {
            if (result == AuthResult.BAD_USERNAME_OR_PASSWORD) {
                failures.failed(address, info.username());
            } else if (result == AuthResult.ACCEPT) {
                failures.succeeded(info.username());
            }
            return new Verdict(result, false);
        });
    }
}
