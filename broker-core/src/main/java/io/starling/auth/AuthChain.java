package io.starling.auth;

import io.starling.config.AnonymousAccess;
import io.starling.spi.AuthExchange;
import io.starling.spi.AuthResult;
import io.starling.spi.AuthStep;
import io.starling.spi.Authenticator;
import io.starling.spi.Authorizer;
import io.starling.spi.ClientIdentity;
import io.starling.spi.ClosablePlugin;
import io.starling.spi.ConnectInfo;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured authenticators and authorizers, asked in order. Authenticators run on their
 * own executor, never on a network thread; one that throws, fails or exceeds the timeout
 * refuses the client (fail closed). When every authenticator passes, anonymous access
 * decides, from the client's address ({@link AnonymousAccess}). A publish or subscription is
 * allowed only if no authorizer refuses it.
 */
public final class AuthChain implements Authorizer {

    private static final Logger LOG = LoggerFactory.getLogger(AuthChain.class);

    private final List<Authenticator> authenticators;
    private final List<Authorizer> authorizers;
    private final AnonymousAccess anonymous;
    private final Duration timeout;
    private final Executor executor;

    public AuthChain(
            List<Authenticator> authenticators,
            List<Authorizer> authorizers,
            AnonymousAccess anonymous,
            Duration timeout,
            Executor executor) {
        this.authenticators = List.copyOf(authenticators);
        this.authorizers = List.copyOf(authorizers);
        this.anonymous = anonymous;
        this.timeout = timeout;
        this.executor = executor;
    }

    /** The verdict: ACCEPT, BAD_USERNAME_OR_PASSWORD or NOT_AUTHORIZED, never NO_OPINION. */
    public CompletionStage<AuthResult> authenticate(ConnectInfo info) {
        return ask(0, info);
    }

    private CompletionStage<AuthResult> ask(int index, ConnectInfo info) {
        if (index == authenticators.size()) {
            return CompletableFuture.completedFuture(
                    anonymous.allows(info.remoteAddress()) ? AuthResult.ACCEPT : AuthResult.NOT_AUTHORIZED);
        }
        Authenticator authenticator = authenticators.get(index);
        return call(authenticator, info, () -> authenticator.authenticate(info), AuthResult.NOT_AUTHORIZED)
                .thenCompose(result -> result == AuthResult.NO_OPINION
                        ? ask(index + 1, info)
                        : CompletableFuture.completedFuture(result));
    }

    /**
     * An authenticator's answer to one step of an MQTT 5 enhanced authentication, and which
     * authenticator gave it.
     *
     * @param by the authenticator that answered, to which the next step of the exchange goes;
     *           null when none knows the method
     */
    public record Decision(AuthStep step, Authenticator by) {}

    private static final AuthStep FAILED = AuthStep.refuse(AuthResult.NOT_AUTHORIZED);
    private static final AuthStep UNKNOWN_METHOD = AuthStep.refuse(AuthResult.BAD_AUTHENTICATION_METHOD);

    /**
     * One step of an enhanced authentication: the first step asks each authenticator in turn
     * until one knows the method (none: BAD_AUTHENTICATION_METHOD; anonymous access does not
     * apply, the client asked for a method); a later step asks {@code owner}, the one that sent
     * the challenge, and its NO_OPINION there refuses the client.
     */
    public CompletionStage<Decision> authenticate(AuthExchange exchange, Authenticator owner) {
        if (owner != null) {
            return call(owner, exchange.connect(), () -> owner.authenticate(exchange), FAILED)
                    .thenApply(
                            step -> new Decision(step.outcome() == AuthStep.Outcome.NO_OPINION ? FAILED : step, owner));
        }
        return askForMethod(0, exchange);
    }

    private CompletionStage<Decision> askForMethod(int index, AuthExchange exchange) {
        if (index == authenticators.size()) {
            return CompletableFuture.completedFuture(new Decision(UNKNOWN_METHOD, null));
        }
        Authenticator authenticator = authenticators.get(index);
        return call(authenticator, exchange.connect(), () -> authenticator.authenticate(exchange), FAILED)
                .thenCompose(step -> step.outcome() == AuthStep.Outcome.NO_OPINION
                        ? askForMethod(index + 1, exchange)
                        : CompletableFuture.completedFuture(new Decision(step, authenticator)));
    }

    /** Asks one authenticator on the auth executor; a failure, null or timeout is {@code refusal}, logged. */
    private <T> CompletionStage<T> call(
            Authenticator authenticator, ConnectInfo info, Supplier<CompletionStage<T>> question, T refusal) {
        return CompletableFuture.supplyAsync(question, executor)
                .thenCompose(stage -> stage)
                .toCompletableFuture()
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((result, failure) -> {
                    if (failure != null || result == null) {
                        LOG.warn(
                                "Authenticator {} failed for client {}; refusing it: {}",
                                authenticator.getClass().getName(),
                                info.clientId(),
                                failure == null ? "no result" : failure.toString());
                        return refusal;
                    }
                    return result;
                });
    }

    @Override
    public boolean canPublish(ClientIdentity client, String topic) {
        for (Authorizer authorizer : authorizers) {
            if (!authorizer.canPublish(client, topic)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean canSubscribe(ClientIdentity client, String topicFilter) {
        for (Authorizer authorizer : authorizers) {
            if (!authorizer.canSubscribe(client, topicFilter)) {
                return false;
            }
        }
        return true;
    }

    /** Asks every plugin once to re-read its files (admin API); returns how many plugins were asked. */
    public int reloadPlugins() {
        Set<ClosablePlugin> plugins = plugins();
        for (ClosablePlugin plugin : plugins) {
            plugin.reload();
        }
        return plugins.size();
    }

    /** Closes every plugin once (one object may both authenticate and authorize). */
    @Override
    public void close() {
        for (ClosablePlugin plugin : plugins()) {
            try {
                plugin.close();
            } catch (RuntimeException e) {
                LOG.warn("Auth plugin {} failed to close: {}", plugin.getClass().getName(), e.toString());
            }
        }
    }

    private Set<ClosablePlugin> plugins() {
        Set<ClosablePlugin> plugins = Collections.newSetFromMap(new IdentityHashMap<>());
        plugins.addAll(authenticators);
        plugins.addAll(authorizers);
        return plugins;
    }
}
