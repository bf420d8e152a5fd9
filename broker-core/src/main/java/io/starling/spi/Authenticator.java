package io.starling.spi;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a client may connect. Authenticators are chained in configured order;
 * the first answer other than {@link AuthResult#NO_OPINION} wins. The broker calls it off
 * the network threads, so it may block, but a stage that fails or does not complete within
 * the configured timeout refuses the client with CONNACK 0x05.
 */
public interface Authenticator extends ClosablePlugin {

    CompletionStage<AuthResult> authenticate(ConnectInfo info);
}
