package io.starling.session;

import java.util.concurrent.CompletionStage;

/**
 * What the session registry needs of routing: to put a session's subscriptions into it and
 * take them out. Implemented by {@code routing.Subscriptions}; an interface here so that
 * routing, which delivers to sessions, depends on this package and not the other way round.
 * Called on the session's thread.
 */
public interface SessionRoutes {

    /** Takes every subscription of the session out of routing (its state is being discarded). */
    void removeAll(Session session);

    /**
     * Puts a restored session's subscriptions back into routing.
     *
     * @return completes when the cluster knows them
     */
    CompletionStage<Void> restore(Session session);
}
