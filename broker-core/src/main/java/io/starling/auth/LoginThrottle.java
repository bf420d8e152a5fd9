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

    private static final CompletionStage<Boolean> ADMITTED = CompletableFuture.completedFuture(true);
    private static final CompletionStage<Boolean> NOT_ADMITTED = CompletableFuture.completedFuture(false);

    public CompletionStage<Verdict> authenticate(ConnectInfo info) {
        return admit(info).thenCompose(admitted -> admitted ? checked(info) : HELD_BACK);
    }

    /**
     * Whether the CONNECT may be decided by the plugins: at once, after its hold, or (false) not
     * at all, refused as held back (counted and logged here). For an MQTT 5 enhanced
     * authentication, whose steps the connection runs itself; it reports the end with
     * {@link #decided}.
     */
    public CompletionStage<Boolean> admit(ConnectInfo info) {
        long holdNanos = failures.holdNanos(addressOf(info), info.username());
        if (holdNanos == 0) {
            return ADMITTED;
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
            return NOT_ADMITTED;
        }
        return CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(holdNanos, TimeUnit.NANOSECONDS))
                .thenApply(ignored -> true);
    }

    /** How an admitted CONNECT was decided: a bad user name or password counts as a failure. */
    public void decided(ConnectInfo info, AuthResult result) {
        if (result == AuthResult.BAD_USERNAME_OR_PASSWORD) {
            failures.failed(addressOf(info), info.username());
        } else if (result == AuthResult.ACCEPT) {
            failures.succeeded(info.username());
        }
    }

    private CompletionStage<Verdict> checked(ConnectInfo info) {
        return chain.authenticate(info).thenApply(result -> {
            decided(info, result);
            return new Verdict(result, false);
        });
    }

    /** The address without the port: a guesser opens a new connection, with a new port, per guess. */
    private static Object addressOf(ConnectInfo info) {
        return info.remoteAddress() instanceof InetSocketAddress socket && socket.getAddress() != null
                ? socket.getAddress()
                : info.remoteAddress();
    }
}
