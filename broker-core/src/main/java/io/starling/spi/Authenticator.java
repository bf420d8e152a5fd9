package io.starling.spi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a client may connect. Authenticators are chained in configured order;
 * the first answer other than {@link AuthResult#NO_OPINION} wins. The broker calls it off
 * the network threads, so it may block, but a stage that fails or does not complete within
 * the configured timeout refuses the client with CONNACK 0x05.
 *
 * <p>An MQTT 5 client whose CONNECT names an Authentication Method is authenticated by
 * {@link #authenticate(AuthExchange)} instead, the same way: one interface for every protocol
 * version.
 */
public interface Authenticator extends ClosablePlugin {

    CompletionStage<AuthResult> authenticate(ConnectInfo info);

    /**
     * One step of an MQTT 5 enhanced authentication (section 4.12): the first step of an
     * exchange goes to each authenticator in order until one answers other than
     * {@link AuthStep#noOpinion()}; the later steps of that exchange (the client's answers to
     * its challenges) go to that authenticator only. The default knows no method.
     */
    default CompletionStage<AuthStep> authenticate(AuthExchange exchange) {
        return CompletableFuture.completedFuture(AuthStep.noOpinion());
    }
}
