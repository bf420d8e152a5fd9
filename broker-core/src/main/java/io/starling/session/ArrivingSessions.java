package io.starling.session;

import io.starling.spi.QueuedMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Client ids whose session arrives from another node that relays to it (see
 * {@link io.starling.spi.ClusterNode#expectRelay}), and the parts of their queues that arrive
 * before the session is continued here. The other node sends the queue right after its answer
 * to the claim, while the CONNECT that asked for it is still on its way to the session's thread:
 * a part that came first waits here instead of finding no session, and is queued once the
 * session is continued. Thread-safe.
 */
final class ArrivingSessions {

    /** A part of a moving session's queue, and what completes once it is stored. */
    record Part(List<QueuedMessage> messages, boolean last, CompletableFuture<Void> stored) {}

    /** The parts that arrived so far for each expected session (guarded by this). */
    private final Map<String, List<Part>> expected = new HashMap<>();

    /** The client's session will arrive from a node that relays to it. */
    synchronized void expect(String clientId) {
        expected.putIfAbsent(clientId, new ArrayList<>());
    }

    /**
     * Keeps a part of the client's queue if its session is expected and not continued yet.
     *
     * @return completes once the part is stored for the continued session, or null if the
     *     session is not expected (it is here already, or not coming)
     */
    synchronized CompletableFuture<Void> holdIfExpected(String clientId, List<QueuedMessage> messages, boolean last) {
        List<Part> parts = expected.get(clientId);
        if (parts == null) {
            return null;
        }
        Part part = new Part(messages, last, new CompletableFuture<>());
        parts.add(part);
        return part.stored();
    }

    /**
     * The client's session is being continued here now: it is no longer expected.
     *
     * @return the parts that arrived first, in their order, or null if the session was not
     *     expected (no relay)
     */
    synchronized List<Part> arrived(String clientId) {
        return expected.remove(clientId);
    }

    /**
     * The node the session came from is done (it relayed everything, left, or fell silent).
     *
     * @return parts still held for a session that was never continued here (normally none)
     */
    synchronized List<Part> ended(String clientId) {
        List<Part> parts = expected.remove(clientId);
        return parts == null ? List.of() : parts;
    }
}
