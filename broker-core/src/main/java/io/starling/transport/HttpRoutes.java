package io.starling.transport;

import java.util.concurrent.CompletionStage;

/** Paths an {@link OperationsHttpServer} serves beside {@code /metrics} and {@code /health}. */
public interface HttpRoutes {

    /**
     * The answer to the call, possibly later and on another thread; null when the path is not
     * one of these routes. Called on a Netty event loop: must not block.
     */
    CompletionStage<HttpReply> answer(HttpCall call);
}
