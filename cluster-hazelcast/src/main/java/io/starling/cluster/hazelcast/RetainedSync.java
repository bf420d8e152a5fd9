package io.starling.cluster.hazelcast;

import io.starling.spi.StoredMessage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node taking the retained messages over from another node as it joins the cluster:
 * what that node sent so far, and the topics whose retained message changed meanwhile
 * (those changes are newer than what the other node's list says about them).
 */
final class RetainedSync {

    private final String source;
    private final long requestId;
    private final Map<String, StoredMessage> received = new ConcurrentHashMap<>();
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Boolean> complete = new CompletableFuture<>();

    RetainedSync(String source, long requestId) {
        this.source = source;
        this.requestId = requestId;
    }

    String source() {
        return source;
    }

    long requestId() {
        return requestId;
    }

    void received(StoredMessage message) {
        received.put(message.topic(), message);
    }

    void changed(String topic) {
        changed.add(topic);
    }

    /** The other node sent everything ({@code true}) or had to give up ({@code false}). */
    void finished(long id, boolean allSent) {
        if (id == requestId) {
            complete.complete(allSent);
        }
    }

    /** The other node left the cluster before it finished. */
    void sourceLeft(String node) {
        if (node.equals(source)) {
            complete.complete(false);
        }
    }

    /** Completes with whether the other node sent all its retained messages. */
    CompletableFuture<Boolean> result() {
        return complete;
    }

    Map<String, StoredMessage> messages() {
        return received;
    }

    Set<String> changedTopics() {
        return changed;
    }
}
