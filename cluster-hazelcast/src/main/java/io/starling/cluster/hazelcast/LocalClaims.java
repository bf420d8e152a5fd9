package io.starling.cluster.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This node's claims of client ids still in progress (a connect, or a lost node's session
 * taken over), so that a release another node asks for waits for the claims it displaces.
 */
final class LocalClaims {

    /** A claim in progress; its epoch is known once the owner entry changed (-1: it did not). */
    static final class Claim {
        final CompletableFuture<Long> epoch = new CompletableFuture<>();
        final CompletableFuture<Void> done = new CompletableFuture<>();
    }

    private final Map<String, List<Claim>> claims = new ConcurrentHashMap<>();

    Claim begin(String clientId) {
        Claim claim = new Claim();
        claims.computeIfAbsent(clientId, id -> new CopyOnWriteArrayList<>()).add(claim);
        return claim;
    }

    void end(String clientId, Claim claim) {
        claim.epoch.complete(-1L);
        claim.done.complete(null);
        claims.computeIfPresent(clientId, (id, list) -> {
            list.remove(claim);
            return list.isEmpty() ? null : list;
        });
    }

    /** Whether a claim of this node is in progress (a connect, or a lost node's session taken over). */
    boolean any() {
        return !claims.isEmpty();
    }

    /**
     * Completes once this node's claims up to that epoch, if any are in progress, have
     * finished: the session to release is the one the last of them attached (an older claim of
     * this node that finishes late still attaches its connection first, then loses it to the
     * newer one here). Claims only wait for claims with smaller epochs, so nothing waits in a
     * circle.
     */
    CompletableFuture<Void> after(String clientId, long epoch) {
        List<Claim> inProgress = claims.get(clientId);
        if (inProgress == null || inProgress.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (Claim claim : inProgress) {
            waits.add(claim.epoch.thenCompose(
                    e -> e > 0 && e <= epoch ? claim.done : CompletableFuture.completedFuture(null)));
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }
}
