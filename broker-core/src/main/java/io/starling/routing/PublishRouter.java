package io.starling.routing;

import io.starling.concurrent.Stages;
import io.starling.session.DropLog;
import io.starling.session.Session;
import io.starling.spi.ClusterBus;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.InboundQos2Receipt;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueueRefusal;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Routes a published message: to the matching sessions of this node (one copy per session,
 * at the highest QoS among its matching subscriptions, capped by the published QoS), into
 * the stored queues of the persistent ones, to one member of each matching shared subscription
 * group ({@link SharedSubscriptions}), to the retained messages, and to the other nodes of the
 * cluster.
 */
public final class PublishRouter {

    private static final CompletionStage<Outcome> QUOTA_EXCEEDED =
            CompletableFuture.completedStage(Outcome.QUOTA_EXCEEDED);

    private final SubscriptionTrie<Session> trie;
    private final SharedSubscriptions shared;
    private final RetainedMessages retained;
    private final MessageQueueStore queues;
    private final ClusterBus cluster;
    private final Function<String, Session> sessions;
    private final DuplicateWindows duplicates;
    private final DropLog drops;
    /** Routing runs on the event loops and on the cluster bus's threads: one plan per thread, reused. */
    private final ThreadLocal<Deliveries<Session>> perThread = ThreadLocal.withInitial(Deliveries::new);

    /**
     * @param sessions   this node's session of a client id, or null
     * @param duplicates sessions that may be offered one message twice (see {@link #deliverTo})
     * @param drops      where messages the store refuses for a session (at its limits) are counted
     */
    public PublishRouter(
            SubscriptionTrie<Session> trie,
            SharedSubscriptions shared,
            RetainedMessages retained,
            MessageQueueStore queues,
            ClusterBus cluster,
            Function<String, Session> sessions,
            DuplicateWindows duplicates,
            DropLog drops) {
        this.trie = trie;
        this.shared = shared;
        this.retained = retained;
        this.queues = queues;
        this.cluster = cluster;
        this.sessions = sessions;
        this.duplicates = duplicates;
        this.drops = drops;
    }

    /**
     * Routes a message that has no publisher to pause ($SYS, a will).
     *
     * @see #publish(StoredMessage, InboundQos2Receipt, PausablePublisher)
     */
    public CompletionStage<Void> publish(StoredMessage message, InboundQos2Receipt receipt) {
        return publish(message, receipt, null);
    }

    /**
     * Routes a message published by a client of this node.
     *
     * @param receipt   the publisher's QoS 2 packet id to record with the message, or null
     * @param publisher the client that sent it, told about each subscriber whose queue is
     *     full under push-back; null if there is none to pause
     * @return completes when everything the message caused is durable and handed to the
     *     cluster: only then may the publisher get PUBACK / PUBREC
     */
    public CompletionStage<Void> publish(
            StoredMessage message, InboundQos2Receipt receipt, PausablePublisher publisher) {
        return route(message, receipt, publisher);
    }

    /**
     * Routes a QoS 1/2 message of a publisher that can be told it was not taken (MQTT 5: PUBACK
     * or PUBREC 0x97), or refuses it: when every subscriber it matches is a persistent session
     * whose stored queue is at a limit of the store, no other node has a matching route and it
     * is not retained, nothing of it is done and the publisher is to be told. When other nodes
     * have matching routes and nobody here took it, it is forwarded and refused if every node it
     * went to refused it too ({@link ClusterBus#forwardWithinQuota}; each dropped it for its full
     * sessions, as this node did for its own). A message that reaches some subscriber is routed
     * as by {@link #publish}, dropped (counted, logged) only for the subscribers at their
     * limits: refusing it would make the publisher send it again to those that have it.
     *
     * @return completes with {@link Outcome#QUOTA_EXCEEDED} for a refused message (at once when
     *     no other node was asked), else with {@link Outcome#ROUTED} when {@link #publish} would
     *     complete
     */
    public CompletionStage<Outcome> publishWithinQuota(
            StoredMessage message, InboundQos2Receipt receipt, PausablePublisher publisher) {
        // A shared group takes every message it matches (its own queue waits for a member).
        boolean refusable = !message.retain() && !shared.matchesAny(message.topic());
        Verdict here = refusable ? new Verdict() : null;
        CompletionStage<Void> done = deliverLocally(message, receipt, publisher, refusable, here);
        if (done == null) {
            return QUOTA_EXCEEDED;
        }
        done = afterLocalDelivery(message, receipt, publisher, done);
        if (here == null || !here.nothingTaken()) {
            return Stages.both(done, cluster.forward(message)).thenApply(ignored -> Outcome.ROUTED);
        }
        return done.thenCombine(cluster.forwardWithinQuota(message), (ignored, refusedElsewhere) -> {
            if (!refusedElsewhere) {
                return Outcome.ROUTED;
            }
            drops.quotaExceededOnOtherNodes(message.topic());
            return Outcome.QUOTA_EXCEEDED;
        });
    }

    /** What became of a message routed by {@link #publishWithinQuota}. */
    public enum Outcome {
        ROUTED,
        QUOTA_EXCEEDED
    }

    private CompletionStage<Void> route(
            StoredMessage message, InboundQos2Receipt receipt, PausablePublisher publisher) {
        CompletionStage<Void> done = afterLocalDelivery(
                message, receipt, publisher, deliverLocally(message, receipt, publisher, false, null));
        // With its RETAIN flag: the other nodes clear it, except for Retain As Published subscriptions.
        return Stages.both(done, cluster.forward(message));
    }

    /** What a message published here does after its local delivery: shared groups, the QoS 2 receipt, retained. */
    private CompletionStage<Void> afterLocalDelivery(
            StoredMessage message,
            InboundQos2Receipt receipt,
            PausablePublisher publisher,
            CompletionStage<Void> done) {
        // Only the publishing node gives a message to shared groups, so no group gets it twice.
        done = Stages.both(
                done,
                shared.route(
                        message.withRetain(false),
                        publisher == null ? null : publisher.session().clientId()));
        if (receipt != null) {
            done = Stages.both(done, cluster.inboundQos2Received(receipt));
        }
        if (message.retain()) {
            done = Stages.both(Stages.both(done, retained.retain(message)), cluster.replicateRetained(message));
        }
        return done;
    }

    /** Delivers a message another node forwarded to this one; it is not forwarded again. */
    public CompletionStage<Void> deliverForwarded(StoredMessage message) {
        return deliverLocally(message, null, null, false, null);
    }

    /**
     * As {@link #deliverForwarded}; completes with true when every subscriber here refused it
     * (see {@link io.starling.spi.ClusterNode#deliverForwardedWithinQuota}).
     */
    public CompletionStage<Boolean> deliverForwardedWithinQuota(StoredMessage message) {
        Verdict here = new Verdict();
        CompletionStage<Void> done = deliverLocally(message, null, null, false, here);
        boolean refused = here.refusedAll;
        return done.thenApply(ignored -> refused);
    }

    /** What {@link #deliverLocally} found on this node for a message that nobody may take. */
    private static final class Verdict {
        int matches;
        /** At least one match, and every one refused the message (store limits). */
        boolean refusedAll;

        boolean nothingTaken() {
            return refusedAll || matches == 0;
        }
    }

    /**
     * Delivers a message to the named sessions of this node whose subscriptions match it (a lost
     * node's forward, relayed by the node that placed its sessions): like a forwarded message,
     * but to no other session. Sessions continuing a lost node's sessions may also get the
     * message by their routes; {@link DuplicateWindows} lets one copy through.
     */
    public CompletionStage<Void> deliverTo(Collection<String> clientIds, StoredMessage message) {
        CompletionStage<Void> all = Stages.DONE;
        for (String clientId : clientIds) {
            Session session = sessions.apply(clientId);
            if (session == null) {
                continue;
            }
            CompletableFuture<Void> written = new CompletableFuture<>();
            // The session's subscriptions change on its own thread only.
            session.execute(() -> {
                // A discarded session has no subscriptions left.
                int qos = Math.min(message.qos(), Topics.matchingQos(session.subscriptions(), message.topic()));
                if (qos < 0) {
                    written.complete(null);
                    return;
                }
                // RETAIN as published (a lost node's forward) or as the relaying node sent it (a
                // moving session's), kept only for a Retain As Published subscription [MQTT-3.3.1-12/13].
                StoredMessage asSent = message.withRetain(
                        message.retain() && Topics.retainsAsPublished(session.subscriptions(), message.topic()));
                if (!duplicates.firstDelivery(clientId, asSent)) {
                    // Came by its route first: the message goes now, in the relay's order.
                    session.deliverRelayedCopy(asSent, qos, qos > 0 && session.isPersistent());
                    written.complete(null);
                    return;
                }
                CompletionStage<Void> append;
                if (session.isMoving()) {
                    // The session moved on meanwhile: relayed further, before anything routed to it later.
                    append = session.relay(asSent);
                } else {
                    boolean isStored = qos > 0 && session.isPersistent();
                    append = isStored
                            ? queues.append(asSent, List.of(new DeliveryTarget(clientId, qos, asSent.retain())), null)
                            : Stages.DONE;
                    session.deliverRelayed(asSent, qos, isStored);
                }
                append.whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        written.completeExceptionally(failure);
                    } else {
                        written.complete(null);
                    }
                });
            });
            all = Stages.both(all, written);
        }
        return all;
    }

    /**
     * @param refusable whether a message every match refuses (and no other node routes) is refused
     *     rather than dropped for each
     * @param verdict   told what became of the message here, or null
     * @return null if the message is refused: every matching session's store limit is reached
     */
    private CompletionStage<Void> deliverLocally(
            StoredMessage message,
            InboundQos2Receipt receipt,
            PausablePublisher publisher,
            boolean refusable,
            Verdict verdict) {
        Deliveries<Session> deliveries = Deliveries.acquire(perThread);
        try {
            if (publisher != null) {
                deliveries.publishedBy(publisher.session());
            }
            trie.match(message.topic(), deliveries);
            StoredMessage live = message.withRetain(false);
            CompletionStage<Void> relayed = relayToMovingSessions(deliveries, message, live);
            // A forwarded message (asked for a verdict) may be refused for its publisher on another node.
            Plan plan = plan(deliveries, live, message.retain(), refusable || verdict != null, publisher != null);
            if (verdict != null) {
                verdict.matches = deliveries.size();
                verdict.refusedAll = plan.refusedAll(deliveries.size());
            }
            // Asked last: it matches the topic against the other nodes' routes.
            if (refusable && plan.refusedAll(deliveries.size()) && !cluster.routesElsewhere(message.topic())) {
                NotStored first = plan.refused().get(0);
                drops.quotaExceeded(first.clientId(), first.refusal());
                return null;
            }
            plan.countDrops(drops);
            List<DeliveryTarget> stored = plan.stored();
            CompletionStage<Void> written =
                    stored.isEmpty() && receipt == null ? Stages.DONE : queues.append(live, stored, receipt);
            deliver(deliveries, message, live, publisher);
            return Stages.both(written, relayed);
        } finally {
            deliveries.release();
        }
    }

    /**
     * Sessions given up to another node that still relay what reaches them here (their new node
     * is not known everywhere yet) get the message relayed, not delivered: the publisher's
     * acknowledgement waits until the new node made it durable. Relayed with the RETAIN flag the
     * session gets it with (see {@link #deliver}).
     */
    private static CompletionStage<Void> relayToMovingSessions(
            Deliveries<Session> deliveries, StoredMessage published, StoredMessage live) {
        CompletionStage<Void> relayed = Stages.DONE;
        for (int i = 0; i < deliveries.size(); i++) {
            Session session = deliveries.subscriber(i);
            if (session.isMoving()) {
                deliveries.skip(i);
                relayed =
                        Stages.both(relayed, session.submitRelay(deliveries.isRetainAsPublished(i) ? published : live));
            }
        }
        return relayed;
    }

    /**
     * Decides what each matching session gets, before anything is delivered: the stored queues
     * are appended to before the sessions see the message. A stored copy keeps the RETAIN flag
     * the session gets it with ({@code publishedRetain} for Retain As Published, see
     * {@link #deliver}), so that it is sent with it from the store too.
     *
     * @param refusable whether its publisher may be told nobody took it: then a session whose
     *     queue in memory would drop it as new counts as refusing it too ({@link Session#queueRefusal})
     * @param pausable  whether its publisher is a client of this node that push-back can pause
     */
    private Plan plan(
            Deliveries<Session> deliveries,
            StoredMessage live,
            boolean publishedRetain,
            boolean refusable,
            boolean pausable) {
        List<DeliveryTarget> stored = List.of();
        List<NotStored> refused = List.of();
        for (int i = 0; i < deliveries.size(); i++) {
            if (deliveries.isSkipped(i)) {
                continue;
            }
            Session session = deliveries.subscriber(i);
            if (!duplicates.firstDelivery(session.clientId(), live)) {
                deliveries.skip(i);
                continue;
            }
            int qos = Math.min(live.qos(), deliveries.qos(i));
            boolean isStored = qos > 0 && session.isPersistent();
            QueueRefusal refusal = isStored ? queues.refuse(session.clientId(), live) : null;
            if (refusal == null && refusable && qos > 0) {
                refusal = session.queueRefusal(live, pausable);
            }
            if (refusal != null) {
                deliveries.skip(i);
                if (refused.isEmpty()) {
                    refused = new ArrayList<>(1);
                }
                refused.add(new NotStored(session.clientId(), qos, refusal));
                continue;
            }
            if (isStored) {
                if (stored.isEmpty()) {
                    stored = new ArrayList<>();
                }
                stored.add(new DeliveryTarget(
                        session.clientId(), qos, publishedRetain && deliveries.isRetainAsPublished(i)));
            }
            deliveries.deliver(i, qos, isStored);
        }
        return new Plan(stored, refused);
    }

    /**
     * @param stored  the persistent sessions whose queue the message is appended to (a list the
     *     store may keep: new for each message that has some)
     * @param refused the sessions whose store limits (or, for a refusable message, queue limits
     *     in memory) refused it
     */
    private record Plan(List<DeliveryTarget> stored, List<NotStored> refused) {

        /** Every one of the {@code matches} sessions refused the message: none has it (moving, relayed, or a duplicate). */
        boolean refusedAll(int matches) {
            return !refused.isEmpty() && refused.size() == matches;
        }

        void countDrops(DropLog drops) {
            for (NotStored notStored : refused) {
                drops.notStored(notStored.clientId(), notStored.qos(), notStored.refusal());
            }
        }
    }

    /** A session the message is not stored for. */
    private record NotStored(String clientId, int qos, QueueRefusal refusal) {}

    /**
     * Hands the message to each session's thread (a session on this thread may run it at once,
     * and route again): {@code live}, without RETAIN [MQTT-3.3.1-13], unless the session's
     * subscription is Retain As Published [MQTT-3.3.1-12].
     */
    private static void deliver(
            Deliveries<Session> deliveries, StoredMessage published, StoredMessage live, PausablePublisher publisher) {
        for (int i = 0; i < deliveries.size(); i++) {
            if (deliveries.isSkipped(i)) {
                continue;
            }
            Session session = deliveries.subscriber(i);
            int qos = deliveries.qos(i);
            boolean isStored = deliveries.isStored(i);
            // A client is never paused for its own queue: it could not read the acks that drain it.
            boolean pausable = publisher != null && session != publisher.session();
            session.submitDelivery(deliveries.isRetainAsPublished(i) ? published : live, qos, isStored, pausable);
            if (pausable && qos > 0 && session.pushBack().isFull()) {
                publisher.pauseFor(session.pushBack());
            }
        }
    }
}
