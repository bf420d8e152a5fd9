package io.starling.spi;

import java.util.concurrent.CompletionStage;

/**
 * Where a session that this node gave up to another node sends the messages that still reach
 * it here while it moves: those routed here before every node knew the session's new place.
 */
@FunctionalInterface
public interface SessionRelay {

    /**
     * Hands a message for the session to its new node.
     *
     * @return completes when the new node made it durable for the session (or dropped it
     *     because the session does not subscribe to it there)
     */
    CompletionStage<Void> relay(StoredMessage message);
}
