package io.starling.cluster.hazelcast;

import io.starling.routing.Topics;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * On the node that takes a lost node's sessions over (the oldest member): where each of those
 * sessions continues, and the messages still routed to the lost node passed on to there.
 *
 * <p>Until the other nodes drop a lost node's routes, they send what matches them here
 * (forwards in flight to it when it was noticed gone, too). A message waits until every
 * session of the lost node has a place ({@link #placed}): taken over here, or continued on the
 * node its client reconnected to. It then goes to each session whose subscriptions match it,
 * wherever that is now. A session that moves on later is followed ({@link #confirmed}).
 */
final class LostNodeRelay {

    /** Delivers a message to the named sessions held by a node (this one or another). */
    @FunctionalInterface
    interface Delivery {
        CompletionStage<Void> deliver(String holder, Set<String> clientIds, StoredMessage message, boolean inDoubt);
    }

    /**
     * A session of the lost node: its subscriptions (from the cluster's record; null if unknown
     * here, then every message goes to its node, which matches them) and its node now.
     */
    private record Placement(Map<String, Integer> subscriptions, String holder) {

        boolean matches(String topic) {
            return subscriptions == null || Topics.matchingQos(subscriptions, topic) >= 0;
        }
    }

    /** One lost node's sessions. */
    private static final class Takeover {
        final CompletableFuture<Void> placed = new CompletableFuture<>();
        final Map<String, Placement> sessions = new ConcurrentHashMap<>();
        /** Sessions whose holder said the session is reachable there (its routes are known everywhere). */
        final Set<String> confirmed = ConcurrentHashMap.newKeySet();

        final CompletableFuture<Void> allConfirmed = new CompletableFuture<>();
    }

    private final String nodeId;
    private final Delivery delivery;
    private final Duration timeout;
    private final Map<String, Takeover> takeovers = new ConcurrentHashMap<>();

    LostNodeRelay(String nodeId, Delivery delivery, Duration timeout) {
        this.nodeId = nodeId;
        this.delivery = delivery;
        this.timeout = timeout;
    }

    private Takeover takeover(String lostNode) {
        return takeovers.computeIfAbsent(lostNode, node -> new Takeover());
    }

    /**
     * The node is lost (noticed here). A node can be lost more than once with the same id (frozen
     * past the member timeout, merged back, lost again): the placement of an earlier loss is
     * finished and says nothing about where its sessions are now, so this loss starts afresh. A
     * takeover not placed yet is this loss's (a relayed forward came before the notice).
     */
    void lost(String lostNode) {
        takeovers.computeIfPresent(lostNode, (node, earlier) -> earlier.placed.isDone() ? null : earlier);
    }

    /**
     * Every session of the lost node has a place now: {@code holders} maps each client id to
     * its subscriptions' node. Sessions held here need no confirmation.
     *
     * @return how many sessions of the lost node are known, with those other nodes told of
     */
    int placed(String lostNode, Map<String, Map<String, Integer>> subscriptions, Map<String, String> holders) {
        Takeover takeover = takeover(lostNode);
        holders.forEach((clientId, holder) -> {
            // A node's own word on where a session is wins over the owner map read here.
            Placement placement = takeover.sessions.merge(
                    clientId,
                    new Placement(subscriptions.get(clientId), holder),
                    (told, read) -> new Placement(read.subscriptions(), told.holder()));
            if (placement.holder().equals(nodeId)) {
                takeover.confirmed.add(clientId);
            }
        });
        takeover.placed.complete(null);
        checkConfirmed(takeover);
        return takeover.sessions.size();
    }

    /** Where the lost node's sessions are cannot be known here: what is relayed for them fails. */
    void notPlaced(String lostNode, Throwable why) {
        takeover(lostNode).placed.completeExceptionally(why);
    }

    /**
     * A node says it continues these sessions of the lost node (also when a session moved on
     * from where it was placed, or was continued there before this node looked for the lost
     * node's sessions): later messages go there. {@code reachable}: every node knows their
     * routes there.
     */
    void confirmed(String lostNode, Set<String> clientIds, String holder, boolean reachable) {
        Takeover takeover = takeover(lostNode);
        for (String clientId : clientIds) {
            takeover.sessions.merge(
                    clientId,
                    new Placement(null, holder),
                    (placement, unknown) -> new Placement(placement.subscriptions(), holder));
            if (reachable) {
                takeover.confirmed.add(clientId);
            } else {
                takeover.confirmed.remove(clientId);
            }
        }
        checkConfirmed(takeover);
    }

    /** A session held here moved to another node, which will confirm it. */
    void moved(String clientId, String holder) {
        for (Takeover takeover : takeovers.values()) {
            takeover.sessions.computeIfPresent(clientId, (id, placement) -> {
                takeover.confirmed.remove(clientId);
                return new Placement(placement.subscriptions(), holder);
            });
        }
    }

    /** The lost node whose session this node holds and is still relaying for, or null. */
    String lostNodeOf(String clientId) {
        for (Map.Entry<String, Takeover> entry : takeovers.entrySet()) {
            if (entry.getValue().sessions.containsKey(clientId)) {
                return entry.getKey();
            }
        }
        return null;
    }

    private static void checkConfirmed(Takeover takeover) {
        if (takeover.placed.isDone() && takeover.confirmed.containsAll(takeover.sessions.keySet())) {
            takeover.allConfirmed.complete(null);
        }
    }

    /**
     * Completes when every session of the lost node is reachable where it continues, or after
     * the request timeout (a client that reconnected with a clean session never confirms).
     */
    CompletableFuture<Void> allConfirmed(String lostNode) {
        return takeover(lostNode)
                .allConfirmed
                .copy()
                .completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completes when the lost node's sessions are placed; fails after the request timeout. */
    CompletableFuture<Void> whenPlaced(String lostNode) {
        return takeover(lostNode).placed.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Passes on a message routed to the lost node: once its sessions are placed, to each of them
     * whose subscriptions match, on its node. Fails if they are not placed within the request
     * timeout (this node never learnt the node was lost).
     *
     * @param inDoubt the lost node may have stored it (see {@link InDoubtMessages})
     */
    CompletionStage<Void> relay(String lostNode, StoredMessage message, boolean inDoubt) {
        Takeover takeover = takeover(lostNode);
        return whenPlaced(lostNode).thenCompose(ignored -> {
            Map<String, Set<String>> byHolder = new HashMap<>();
            takeover.sessions.forEach((clientId, placement) -> {
                if (placement.matches(message.topic())) {
                    byHolder.computeIfAbsent(placement.holder(), holder -> new HashSet<>())
                            .add(clientId);
                }
            });
            CompletableFuture<?>[] deliveries = byHolder.entrySet().stream()
                    .map(entry -> delivery.deliver(entry.getKey(), entry.getValue(), message, inDoubt)
                            .toCompletableFuture())
                    .toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(deliveries);
        });
    }

    /**
     * What forgets this loss of the node once nothing can be routed to it any more; a later loss
     * of the same node (see {@link #lost}) is not forgotten by it.
     */
    Runnable forgetter(String lostNode) {
        Takeover current = takeover(lostNode);
        return () -> takeovers.remove(lostNode, current);
    }
}
