package io.starling.session;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.starling.concurrent.Stages;
import io.starling.config.BrokerConfig;
import io.starling.metrics.BrokerMetrics;
import io.starling.spi.ClusterBus;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionExpiry;
import io.starling.spi.SessionRecord;
import io.starling.spi.SessionRelay;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of this node by client id: connecting (with takeover of an existing
 * connection), restoring stored sessions at start-up, discarding clean ones when their
 * connection ends. Everything that changes a session runs on that session's executor, so
 * two connects with one client id are applied one after the other.
 */
public final class SessionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Sessions given up to another node that still relay what reaches them here (see {@link #release}). */
    private final Map<String, Session> moving = new ConcurrentHashMap<>();
    /** Sessions that arrive from a node that relays to them, and queue parts that came first (see {@link #expectRelay}). */
    private final ArrivingSessions arriving = new ArrivingSessions();

    private final SessionStore sessionStore;
    private final MessageQueueStore queueStore;
    private final SessionRoutes subscriptions;
    private final ClusterBus cluster;
    private final Outbound.Limits limits;
    private final DropLog drops;
    private final BrokerMetrics metrics;
    private final EventLoopGroup offlineLoops;
    /** Sessions restored at start and not yet settled with the cluster. */
    private final List<Session> restored = new ArrayList<>();

    /**
     * @param drops        where dropped messages are counted and logged (shared with routing: one
     *                     throttled log line for all drops)
     * @param offlineLoops where sessions without a connection run their tasks
     */
    public SessionRegistry(
            SessionStore sessionStore,
            MessageQueueStore queueStore,
            SessionRoutes subscriptions,
            ClusterBus cluster,
            BrokerConfig config,
            BrokerMetrics metrics,
            DropLog drops,
            EventLoopGroup offlineLoops) {
        this.sessionStore = sessionStore;
        this.queueStore = queueStore;
        this.subscriptions = subscriptions;
        this.cluster = cluster;
        this.limits = new Outbound.Limits(
                config.maxInflightMessages(),
                config.maxQueuedMessages(),
                config.maxQueuedBytes(),
                config.maxQueuedBytesTotal(),
                config.queueFullPolicy(),
                config.pushBackTimeout(),
                config.queueQos0Messages(),
                storeIsQueue(queueStore, config));
        this.drops = drops;
        this.metrics = metrics;
        this.offlineLoops = offlineLoops;
    }

    /**
     * Whether sessions leave their stored messages in the store: with a store that keeps the
     * queues, under push-back (drop-oldest would need to drop from the store, not done yet), and
     * on a single node (a session handed to another node carries its whole queue in memory).
     */
    private static boolean storeIsQueue(MessageQueueStore queueStore, BrokerConfig config) {
        return queueStore.keepsQueues()
                && config.queueFullPolicy() == BrokerConfig.QueueFullPolicy.PUSH_BACK
                && "none".equals(config.clusterType());
    }

    /**
     * Rebuilds the stored sessions, not yet routed: {@link #settleRestored} does that once the
     * cluster has said which of them stay here. Runs once, before listeners open.
     */
    public int restore() {
        long now = System.currentTimeMillis();
        for (SessionRecord record : sessionStore.loadAll()) {
            SessionExpiry expiry = record.expiry().offlineFrom(now);
            if (!expiry.never() && expiry.deadline() <= now) {
                // It expired while the broker was down: its messages are never delivered.
                deleteExpired(record.clientId());
                continue;
            }
            Session session = newSession(record.clientId(), offlineLoops.next());
            // When the store is the queue, nothing of the queue is read now (start-up reads no queue).
            session.restore(
                    record.subscriptions(),
                    limits.storeIsQueue() ? List.of() : queueStore.load(record.clientId()),
                    queueStore.loadInboundQos2(record.clientId()));
            session.setExpiry(record.expiry());
            sessions.put(record.clientId(), session);
            restored.add(session);
            if (!expiry.never()) {
                // A session whose connection ended with the broker counts as offline from now on.
                saveExpiry(session, expiry);
                expireAt(session, expiry.deadline());
            }
        }
        return restored.size();
    }

    /**
     * Asks the cluster about each restored session ({@link ClusterBus#sessionRestored}): routes
     * the ones that stay here and drops the ones whose client continued its session on another
     * node (their messages went there). Waits at most {@code timeout} for the answers; a session
     * answered later is settled then. Runs once, after the cluster started, before listeners open.
     */
    public void settleRestored(Duration timeout) throws InterruptedException {
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        for (Session session : restored) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            settled.add(done);
            cluster.sessionRestored(session.snapshot())
                    .whenComplete((stays, failure) -> session.execute(() -> {
                        if (session.isDiscarded()) {
                            // Expired meanwhile.
                            done.complete(null);
                            return;
                        }
                        if (failure == null && !stays) {
                            dropRestored(session);
                        } else {
                            if (failure != null) {
                                LOG.warn(
                                        "The cluster did not settle the restored session of {}; it stays here: {}",
                                        session.clientId(),
                                        failure.toString());
                            }
                            subscriptions.restore(session);
                        }
                        done.complete(null);
                    }));
        }
        restored.clear();
        try {
            CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn(
                    "The cluster did not settle every restored session within {} ms; the rest are settled when it does.",
                    timeout.toMillis());
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A restored session (never routed) whose client continued it on another node. */
    private void dropRestored(Session session) {
        session.reset();
        session.markDiscarded();
        sessions.remove(session.clientId(), session);
        sessionStore.delete(session.clientId()).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.error(
                        "Could not delete the stored session of {}, which continued on another node: {}",
                        session.clientId(),
                        failure.toString());
            }
        });
    }

    /**
     * Continues a lost node's session here without a connection, or one a stopping node handed
     * over (see {@link io.starling.spi.ClusterNode#adoptSession}); left alone if a client with the
     * id is connected or connecting here.
     */
    public CompletionStage<Void> adoptOffline(SessionSnapshot orphan) {
        Session session = sessions.computeIfAbsent(orphan.clientId(), id -> newSession(id, offlineLoops.next()));
        CompletableFuture<Void> adopted = new CompletableFuture<>();
        session.execute(() -> {
            if (session.isDiscarded() || session.isOnline()) {
                adopted.complete(null);
                return;
            }
            // A session its lost node held connected is offline from now on; its timer goes on here.
            SessionExpiry expiry = orphan.expiry().offlineFrom(System.currentTimeMillis());
            List<ArrivingSessions.Part> early = arriving.arrived(orphan.clientId());
            Stages.completeWhen(adopt(session, orphan, early != null, expiry), adopted);
            continueEarlyParts(session, early);
            if (!expiry.never()) {
                expireAt(session, expiry.deadline());
            }
        });
        return adopted;
    }

    /**
     * Messages another node had stored for a session that continued here while it was down:
     * queued for the session as new deliveries. Dropped if the session is not persistent here.
     * A QoS 2 message whose PUBREC that node had received is not sent again (the client has it):
     * its PUBREL is taken over with its packet id, so that a client that hands QoS 2 messages to
     * the application at PUBREL, as Paho does, gets it (unless this session uses the packet id).
     * A message the session holds already (queued or in flight, by message id) is left out.
     */
    public CompletionStage<Void> takeMessages(String clientId, List<QueuedMessage> messages) {
        Session session = sessions.get(clientId);
        if (session == null) {
            LOG.info("Dropped {} message(s) handed back for {}: it has no session here.", messages.size(), clientId);
            return Stages.DONE;
        }
        CompletableFuture<Void> stored = new CompletableFuture<>();
        session.execute(() -> {
            if (session.isDiscarded() || !session.isPersistent()) {
                LOG.info(
                        "Dropped {} message(s) handed back for {}: its session here is not persistent.",
                        messages.size(),
                        clientId);
                stored.complete(null);
                return;
            }
            CompletionStage<Void> written = Stages.DONE;
            Set<Long> held = session.heldMessageIds();
            for (QueuedMessage queued : messages) {
                if (held.contains(queued.message().id())) {
                    // The session has it already (the rest of a queue taken from the cluster's copy holds both).
                    continue;
                }
                if (queued.released() && !session.takeRelease(queued)) {
                    LOG.warn(
                            "Dropped the PUBREL of packet id {} handed back for {}: its session here uses that id.",
                            queued.packetId(),
                            clientId);
                    continue;
                }
                if (queued.released()) {
                    written = Stages.both(written, storeWithItsState(clientId, queued));
                } else {
                    // A new delivery here, with a packet id of this session's.
                    written = Stages.both(
                            written, queueStore.append(queued.message(), List.of(asTarget(clientId, queued)), null));
                    session.deliver(queued.message(), queued.qos(), true, false);
                }
            }
            Stages.completeWhen(written, stored);
        });
        return stored;
    }

    /** The client as the one target of a message it holds, with the QoS and RETAIN flag it gets it with. */
    private static DeliveryTarget asTarget(String clientId, QueuedMessage queued) {
        return new DeliveryTarget(clientId, queued.qos(), queued.message().retain());
    }

    /** Stores a message for the client with the packet id and QoS 2 state it has on another node. */
    private CompletionStage<Void> storeWithItsState(String clientId, QueuedMessage queued) {
        return queueStore.appendMoved(queued, asTarget(clientId, queued));
    }

    private Session newSession(String clientId, EventExecutor loop) {
        return new Session(
                clientId, loop, limits, queueStore, drops, metrics, cluster.leasesPacketIds() ? cluster : null);
    }

    /**
     * Connects {@code link} to the client id's session: claims the id in the cluster (taking
     * over a session another node had), then takes the session over from any local connection.
     * {@code onAccepted} gets session-present and must send CONNACK: it runs on the session's
     * thread before anything else is sent on the link.
     *
     * @return the session, once attached; fails if the store could not record it, and is
     *     cancelled if a newer connection with the same id took over meanwhile
     */
    public CompletionStage<Session> connect(
            String clientId, boolean cleanSession, ClientLink link, EventExecutor loop, IntConsumer onAccepted) {
        return connect(clientId, cleanSession, cleanSession ? 0 : SessionExpiry.NEVER_SECONDS, link, loop, onAccepted);
    }

    /**
     * As {@link #connect(String, boolean, ClientLink, EventExecutor, IntConsumer)} for MQTT 5,
     * where starting afresh (Clean Start) and outliving the connection (a Session Expiry
     * Interval above 0) are two choices: an existing session is continued unless
     * {@code cleanStart}; a new one is persistent if {@code expirySeconds} is above 0. The
     * interval is stored with a persistent session (see {@link SessionStore#saveExpiry}).
     */
    public CompletionStage<Session> connect(
            String clientId,
            boolean cleanStart,
            long expirySeconds,
            ClientLink link,
            EventExecutor loop,
            IntConsumer onAccepted) {
        CompletableFuture<Session> result = new CompletableFuture<>();
        cluster.claimClientId(clientId, cleanStart).whenComplete((moved, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                // A session continued from the record of a lost node may have expired meanwhile.
                Optional<SessionSnapshot> alive = moved.filter(snapshot -> !hasExpired(snapshot.expiry()));
                connect(new Connect(clientId, cleanStart, expirySeconds, link, loop, onAccepted, alive), result);
            }
        });
        return result;
    }

    private static boolean hasExpired(SessionExpiry expiry) {
        return !expiry.never()
                && expiry.offlineSince() != SessionExpiry.ONLINE
                && expiry.deadline() <= System.currentTimeMillis();
    }

    /** One connect request, with the session another node handed over, if any. */
    private record Connect(
            String clientId,
            boolean cleanStart,
            long expirySeconds,
            ClientLink link,
            EventExecutor loop,
            IntConsumer onAccepted,
            Optional<SessionSnapshot> moved) {}

    private void connect(Connect request, CompletableFuture<Session> result) {
        Session session = sessions.computeIfAbsent(request.clientId(), id -> newSession(id, request.loop()));
        session.execute(() -> {
            if (session.isDiscarded()) {
                connect(request, result);
                return;
            }
            boolean existed = session.isPersistent() || request.moved().isPresent();
            List<ArrivingSessions.Part> early = arriving.arrived(request.clientId());
            session.startTakeover(request.link(), request.cleanStart());
            SessionExpiry expiry = SessionExpiry.online(request.expirySeconds());
            CompletionStage<Void> written = request.cleanStart() || !existed
                    ? startFresh(session, request.expirySeconds() == 0, expiry)
                    : request.moved()
                            .map(moved -> adopt(session, moved, early != null, expiry))
                            .orElseGet(() -> saveExpiry(session, expiry));
            continueEarlyParts(session, early);
            written.whenComplete((ignored, failure) -> session.execute(() -> {
                if (!session.isConnecting(request.link())) {
                    result.completeExceptionally(new CancellationException("taken over by a newer connection"));
                } else if (failure != null) {
                    session.detach(request.link());
                    result.completeExceptionally(failure);
                } else {
                    request.onAccepted().accept(!request.cleanStart() && existed ? 1 : 0);
                    session.attach(request.link(), request.loop());
                    result.complete(session);
                }
            }));
        });
    }

    /** Discards whatever the session had; a persistent one is recorded anew (with its expiry), a clean one deleted. */
    private CompletionStage<Void> startFresh(Session session, boolean cleanSession, SessionExpiry expiry) {
        boolean wasStored = session.isPersistent();
        subscriptions.removeAll(session);
        session.reset();
        session.setPersistent(!cleanSession);
        if (!cleanSession) {
            session.setExpiry(expiry);
            // A new persistent session: what the cluster kept of an earlier one of the client does not apply.
            // (A clean session is never continued elsewhere: nothing to clear, no cluster write.)
            return Stages.both(
                    cluster.persistentSessionStarted(session.clientId()),
                    sessionStore.save(new SessionRecord(session.clientId(), Map.of(), expiry)));
        }
        if (!wasStored) {
            return Stages.DONE;
        }
        cluster.persistentSessionEnded(session.clientId());
        return sessionStore.delete(session.clientId());
    }

    /**
     * Continues a session another node handed over: local state replaced by it, and stored.
     *
     * @param relayed whether that node relays what still reaches the session there: messages
     *     routed here wait behind those until {@link #relayEnded}
     * @param expiry  the session's expiry from now on (its connection's, or its own offline)
     */
    private CompletionStage<Void> adopt(Session session, SessionSnapshot moved, boolean relayed, SessionExpiry expiry) {
        subscriptions.removeAll(session);
        session.reset();
        session.restore(moved.subscriptions(), moved.messages(), moved.inboundQos2());
        session.setExpiry(expiry);
        session.resumePacketIdsAt(moved.packetIdsFrom());
        if (relayed) {
            session.waitForRelay();
            // The node it came from sends the queue on in parts (continueQueue), before anything relayed.
            session.expectQueue();
        }
        // CONNACK waits for the routes too: a message published anywhere after it reaches the session.
        // The cluster's record of the session is written once every node knows the routes: the
        // cluster takes it as the sign that the session is reachable here.
        CompletionStage<Void> routed = subscriptions.restore(session);
        String clientId = session.clientId();
        CompletionStage<Void> written = routed.thenCompose(
                ignored -> sessionStore.save(new SessionRecord(clientId, moved.subscriptions(), expiry)));
        for (QueuedMessage queued : moved.messages()) {
            written = Stages.both(written, storeWithItsState(clientId, queued));
        }
        return written;
    }

    /**
     * Gives the session up to another node: closes its connection (the will is published),
     * removes it here, and returns its state if it was persistent. With a {@code relay}, a
     * persistent session stays in routing and relays what reaches it until {@link #endRelay}
     * (see {@link io.starling.spi.ClusterNode#releaseSession}). {@code sessionEnds}: the client
     * started a new session elsewhere (see {@link ClientLink#closeForTakeover}).
     */
    public CompletionStage<Optional<SessionSnapshot>> release(
            String clientId, SessionRelay relay, boolean sessionEnds) {
        Session session = sessions.get(clientId);
        if (session == null) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        CompletableFuture<Optional<SessionSnapshot>> released = new CompletableFuture<>();
        session.execute(() -> {
            if (session.isDiscarded()) {
                released.complete(Optional.empty());
                return;
            }
            session.startTakeover(null, sessionEnds);
            // Its expiry timer here is void: the session goes on elsewhere (and may still relay from here).
            session.nextOfflinePeriod();
            // What waited for a relay into this session goes with it.
            session.relayEnded();
            boolean persistent = session.isPersistent();
            Optional<SessionSnapshot> snapshot = persistent ? Optional.of(session.snapshot()) : Optional.empty();
            if (persistent && relay != null) {
                session.moveTo(relay);
                sessions.remove(clientId, session);
                moving.put(clientId, session);
            } else {
                discard(session);
            }
            // A session moving with a relay keeps its stored copy until the new node has stored it all (sessionMoved).
            CompletionStage<Void> deleted = persistent && relay == null ? sessionStore.delete(clientId) : Stages.DONE;
            deleted.whenComplete((ignored, failure) -> released.complete(snapshot));
        });
        return released;
    }

    /**
     * The next part of the queue of a session that moved here (see
     * {@link io.starling.spi.ClusterNode#continueQueue}): queued behind what the session holds and
     * stored; dropped if the session does not expect it (it started afresh meanwhile).
     */
    public CompletionStage<Void> continueQueue(String clientId, List<QueuedMessage> part, boolean last) {
        CompletableFuture<Void> held = arriving.holdIfExpected(clientId, part, last);
        if (held != null) {
            // Its CONNECT has not continued the session yet: the part waits for it (continueEarlyParts).
            return held;
        }
        Session session = sessions.get(clientId);
        if (session == null) {
            LOG.info("Dropped {} queued message(s) moving with {}: it has no session here.", part.size(), clientId);
            return Stages.DONE;
        }
        CompletableFuture<Void> stored = new CompletableFuture<>();
        session.execute(() -> Stages.completeWhen(continueQueueOnThread(session, part, last), stored));
        return stored;
    }

    /** Queues and stores a part of the session's moving queue; on the session's thread. */
    private CompletionStage<Void> continueQueueOnThread(Session session, List<QueuedMessage> part, boolean last) {
        String clientId = session.clientId();
        if (session.isDiscarded() || !session.continueQueue(part, last)) {
            LOG.info(
                    "Dropped {} queued message(s) moving with {}: its session here started afresh.",
                    part.size(),
                    clientId);
            return Stages.DONE;
        }
        CompletionStage<Void> written = Stages.DONE;
        for (QueuedMessage queued : part) {
            written = Stages.both(written, storeWithItsState(clientId, queued));
        }
        return written;
    }

    /** The parts of its queue that arrived before the session was continued here, in order; on its thread. */
    private void continueEarlyParts(Session session, List<ArrivingSessions.Part> early) {
        if (early == null) {
            return;
        }
        for (ArrivingSessions.Part part : early) {
            Stages.completeWhen(continueQueueOnThread(session, part.messages(), part.last()), part.stored());
        }
    }

    /** Messages of a session released to another node that are stored there now: removed here. */
    public CompletionStage<Void> queuePartMoved(String clientId, Collection<Long> messageIds) {
        CompletionStage<Void> removed = Stages.DONE;
        for (long messageId : messageIds) {
            removed = Stages.both(removed, queueStore.removeMoved(clientId, messageId));
        }
        return removed;
    }

    /**
     * A session released to another node is stored there in full: its stored copy here is
     * deleted, unless the session is here again (it came back, and its record here is its own).
     */
    public CompletionStage<Void> sessionMoved(String clientId) {
        if (sessions.containsKey(clientId)) {
            LOG.debug("{} moved away and is back: its stored session here stays.", clientId);
            return Stages.DONE;
        }
        return sessionStore.delete(clientId);
    }

    /**
     * A released session's new node is known everywhere: it leaves routing here. Completes once
     * everything routed to it before has been handed to its relay.
     */
    public CompletionStage<Void> endRelay(String clientId) {
        Session session = moving.remove(clientId);
        if (session == null) {
            return Stages.DONE;
        }
        CompletableFuture<Void> ended = new CompletableFuture<>();
        session.execute(() -> {
            subscriptions.removeAll(session);
            // Deliveries routed to it just before it left the trie were submitted before this.
            session.execute(() -> ended.complete(null));
        });
        return ended;
    }

    /** The client's session arrives from a node that relays to it (see {@link io.starling.spi.ClusterNode#expectRelay}). */
    public void expectRelay(String clientId) {
        arriving.expect(clientId);
    }

    /** The node the client's session came from has relayed everything: what waited goes out. */
    public void relayEnded(String clientId) {
        for (ArrivingSessions.Part part : arriving.ended(clientId)) {
            // Never continued here (its CONNECT failed): the other node keeps what it could not move.
            part.stored()
                    .completeExceptionally(new IllegalStateException("the session of " + clientId + " did not arrive"));
        }
        Session session = sessions.get(clientId);
        if (session != null) {
            session.execute(session::relayEnded);
        }
    }

    private void discard(Session session) {
        subscriptions.removeAll(session);
        session.reset();
        session.markDiscarded();
        sessions.remove(session.clientId(), session);
    }

    /** The connection ended; a clean session ends with it, a persistent one is kept. */
    public void disconnected(Session session, ClientLink link) {
        disconnected(session, link, SessionExpiry.NEVER_SECONDS);
    }

    /**
     * The connection ended; a clean session ends with it, a persistent one after
     * {@code expirySeconds} offline (MQTT 5 Session Expiry Interval, section 3.1.2.11.2): at
     * once for 0 (in this task, so a later CONNECT finds it gone), never for
     * {@link SessionExpiry#NEVER_SECONDS}. A connection to the session before then keeps it. The
     * moment it went offline is stored, so that the session also ends after a restart.
     */
    public void disconnected(Session session, ClientLink link, long expirySeconds) {
        session.execute(() -> {
            session.detach(link);
            if (session.isOnline() || session.isDiscarded()) {
                return;
            }
            if (!session.isPersistent()) {
                discard(session);
            } else if (expirySeconds == 0) {
                expire(session);
            } else if (expirySeconds == SessionExpiry.NEVER_SECONDS) {
                saveExpiry(session, SessionExpiry.NEVER);
            } else {
                SessionExpiry expiry = new SessionExpiry(expirySeconds, System.currentTimeMillis());
                saveExpiry(session, expiry);
                expireAt(session, expiry.deadline());
            }
        });
    }

    /** Ends the offline session at {@code deadline} (milliseconds since the epoch) unless a client connects first. */
    private void expireAt(Session session, long deadline) {
        int period = session.nextOfflinePeriod();
        offlineLoops
                .next()
                .schedule(
                        () -> session.execute(() -> {
                            if (session.offlinePeriod() == period && !session.isOnline() && !session.isDiscarded()) {
                                expire(session);
                            }
                        }),
                        Math.max(0, deadline - System.currentTimeMillis()),
                        TimeUnit.MILLISECONDS);
    }

    /** Stores the persistent session's expiry if it changed (3.1.1 sessions never write one). */
    private CompletionStage<Void> saveExpiry(Session session, SessionExpiry expiry) {
        if (!session.isPersistent() || expiry.equals(session.expiry())) {
            return Stages.DONE;
        }
        session.setExpiry(expiry);
        CompletionStage<Void> saved = sessionStore.saveExpiry(session.clientId(), expiry);
        saved.whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.error("Could not store the session expiry of {}: {}", session.clientId(), failure.toString());
            }
        });
        return saved;
    }

    /** A persistent session's expiry passed while offline: it ends, and its stored record and queue go. */
    private void expire(Session session) {
        discard(session);
        deleteExpired(session.clientId());
    }

    private void deleteExpired(String clientId) {
        cluster.persistentSessionEnded(clientId);
        sessionStore.delete(clientId).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.error("Could not delete the expired session of {}: {}", clientId, failure.toString());
            }
        });
        LOG.info("Session of {} expired.", clientId);
    }

    /** The client ids with a session here now. */
    public Set<String> clientIds() {
        return Set.copyOf(sessions.keySet());
    }

    /** The sessions here now (a live view: sessions come and go while it is read). */
    public Collection<Session> sessions() {
        return Collections.unmodifiableCollection(sessions.values());
    }

    /** This node's session of the client id, or null. */
    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    public int size() {
        return sessions.size();
    }
}
