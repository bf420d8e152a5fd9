package io.starling.session;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.starling.config.BrokerConfig;
import io.starling.metrics.BrokerMetrics;
import io.starling.routing.Subscriptions;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.SessionRecord;
import io.starling.spi.SessionStore;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * The sessions of this node by client id: connecting (with takeover of an existing
 * connection), restoring stored sessions at start-up, discarding clean ones when their
 * connection ends. Everything that changes a session runs on that session's executor, so
 * two connects with one client id are applied one after the other.
 */
public final class SessionRegistry {

    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SessionStore sessionStore;
    private final MessageQueueStore queueStore;
    private final Subscriptions subscriptions;
    private final Outbound.Limits limits;
    private final DropLog drops;
    private final BrokerMetrics metrics;
    private final EventLoopGroup offlineLoops;

    /**
     * @param offlineLoops where sessions without a connection run their tasks
     */
    public SessionRegistry(SessionStore sessionStore, MessageQueueStore queueStore, Subscriptions subscriptions,
                           BrokerConfig config, BrokerMetrics metrics, EventLoopGroup offlineLoops) {
        this.sessionStore = sessionStore;
        this.queueStore = queueStore;
        this.subscriptions = subscriptions;
        this.limits = new Outbound.Limits(config.maxInflightMessages(), config.maxQueuedMessages(),
            config.queueFullPolicy(), config.queueQos0Messages());
        this.drops = new DropLog(metrics);
        this.metrics = metrics;
        this.offlineLoops = offlineLoops;
    }

    /** Rebuilds the stored sessions and their routing. Runs once, before listeners open. */
    public int restore() {
        int restored = 0;
        for (SessionRecord record : sessionStore.loadAll()) {
            Session session = newSession(record.clientId(), offlineLoops.next());
            session.restore(record.subscriptions(), queueStore.load(record.clientId()),
                queueStore.loadInboundQos2(record.clientId()));
            subscriptions.restore(session);
            sessions.put(record.clientId(), session);
            restored++;
        }
        return restored;
    }

    private Session newSession(String clientId, EventExecutor loop) {
        return new Session(clientId, loop, limits, queueStore, drops, metrics);
    }

    /**
     * Connects {@code link} to the client id's session, taking it over from any connection
     * it has. {@code onAccepted} gets session-present and must send CONNACK: it runs on the
     * session's thread before anything else is sent on the link.
     *
     * @return the session, once attached; fails if the store could not record it, and is
     *     cancelled if a newer connection with the same id took over meanwhile
     */
    public CompletionStage<Session> connect(String clientId, boolean cleanSession, ClientLink link, EventExecutor loop,
                                            IntConsumer onAccepted) {
        CompletableFuture<Session> result = new CompletableFuture<>();
        connect(clientId, cleanSession, link, loop, onAccepted, result);
        return result;
    }

    private void connect(String clientId, boolean cleanSession, ClientLink link, EventExecutor loop,
                         IntConsumer onAccepted, CompletableFuture<Session> result) {
        Session session = sessions.computeIfAbsent(clientId, id -> newSession(id, loop));
        session.execute(() -> {
            if (session.isDiscarded()) {
                connect(clientId, cleanSession, link, loop, onAccepted, result);
                return;
            }
            boolean present = !cleanSession && session.isPersistent();
            session.startTakeover(link);
            CompletionStage<Void> written = DONE;
            if (cleanSession || !session.isPersistent()) {
                boolean wasStored = session.isPersistent();
                subscriptions.removeAll(session);
                session.reset();
                session.setPersistent(!cleanSession);
                if (cleanSession && wasStored) {
                    written = sessionStore.delete(clientId);
                } else if (!cleanSession) {
                    written = sessionStore.save(new SessionRecord(clientId, Map.of()));
                }
            }
            written.whenComplete((ignored, failure) -> session.execute(() -> {
                if (!session.isConnecting(link)) {
                    result.completeExceptionally(new CancellationException("taken over by a newer connection"));
                } else if (failure != null) {
                    session.detach(link);
                    result.completeExceptionally(failure);
                } else {
                    onAccepted.accept(present ? 1 : 0);
                    session.attach(link, loop);
                    result.complete(session);
                }
            }));
        });
    }

    /** The connection ended; a clean session ends with it. */
    public void disconnected(Session session, ClientLink link) {
        session.execute(() -> {
            session.detach(link);
            if (!session.isPersistent() && !session.isOnline() && !session.isDiscarded()) {
                subscriptions.removeAll(session);
                session.reset();
                session.markDiscarded();
                sessions.remove(session.clientId(), session);
            }
        });
    }

    public Session get(String clientId) {
        return sessions.get(clientId);
    }

    public int size() {
        return sessions.size();
    }
}
