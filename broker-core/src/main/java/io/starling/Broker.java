package io.starling;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.admin.AdminHttp;
import io.starling.admin.AdminLogin;
import io.starling.admin.LocalAnswers;
import io.starling.admin.RedirectControl;
import io.starling.admin.SavedRedirect;
import io.starling.auth.AuthChain;
import io.starling.auth.LoginThrottle;
import io.starling.config.BrokerConfig;
import io.starling.config.ListenerSettings;
import io.starling.config.SharedSubscriptionSettings;
import io.starling.metrics.BrokerMetrics;
import io.starling.metrics.MetricsSource;
import io.starling.metrics.SharedGroupFigures;
import io.starling.metrics.SysTopics;
import io.starling.protocol.DelayedWills;
import io.starling.protocol.PacketLog;
import io.starling.protocol.ProtocolServices;
import io.starling.protocol.Redirection;
import io.starling.protocol.WillPublisher;
import io.starling.routing.DuplicateWindows;
import io.starling.routing.MessageIds;
import io.starling.routing.PublishRouter;
import io.starling.routing.RetainedMessages;
import io.starling.routing.SharedSubscriptions;
import io.starling.routing.SubscriptionTrie;
import io.starling.routing.Subscriptions;
import io.starling.session.ClusterMirroredSessionStore;
import io.starling.session.DropLog;
import io.starling.session.Session;
import io.starling.session.SessionRegistry;
import io.starling.spi.Authenticator;
import io.starling.spi.Authorizer;
import io.starling.spi.ClusterBus;
import io.starling.spi.ClusterNode;
import io.starling.spi.ClusterStatistics;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.NodeQuery;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionRelay;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.SessionStore;
import io.starling.spi.Storage;
import io.starling.spi.StoreStatistics;
import io.starling.spi.StoredMessage;
import io.starling.transport.EventLoops;
import io.starling.transport.HttpRoutes;
import io.starling.transport.ListenerBindException;
import io.starling.transport.MqttServer;
import io.starling.transport.OperationsHttpServer;
import io.starling.transport.TlsContexts;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker node, assembled from its parts: storage, cluster bus and auth chain come in
 * through the SPIs. {@link #start} restores stored state before any listener opens;
 * {@link #stop} stops accepting, closes connections, then closes the stores.
 */
public final class Broker implements ClusterNode, MetricsSource, RedirectControl {

    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final Storage storage;
    private final ClusterBus cluster;
    private final AuthChain authChain;
    private final ExecutorService authExecutor;
    /**
     * Where the CPU-heavy steps of TLS handshakes run (key exchange, signatures: Netty's
     * delegated tasks), so that a storm of handshakes does not stall the I/O of connected clients.
     */
    private final ExecutorService tlsHandshakes =
            ThreadPools.fixed("starling-tls", Runtime.getRuntime().availableProcessors());

    private final EventLoopGroup acceptor = EventLoops.newGroup("starling-accept", 1);
    private final EventLoopGroup workers;
    private final BrokerMetrics metrics = new BrokerMetrics();
    private final SessionRegistry sessions;
    /** MQTT 5 wills waiting for their delay; a session released to another node cancels its own. */
    private final DelayedWills delayedWills;

    private final RetainedMessages retained;
    private final PublishRouter router;
    private final SharedSubscriptions shared;
    private final MessageIds messageIds = new MessageIds();
    private final DuplicateWindows duplicates = new DuplicateWindows();
    private final MqttServer server;
    /** Whether this node sends its clients to another server (starling.mqtt5.redirect, the admin API). */
    private final Redirection redirection;
    /** The admin API's redirect, kept across restarts. */
    private final SavedRedirect savedRedirect;

    private final OperationsHttpServer http;
    private final OperationsHttpServer admin;
    private final LocalAnswers localAnswers;
    private final AdminHttp adminRoutes;
    private final Map<String, InetSocketAddress> addresses = Collections.synchronizedMap(new LinkedHashMap<>());
    private ScheduledFuture<?> sysTopics;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** How long start-up waits for the cluster's answers about restored sessions. */
    private static final Duration RESTORED_SESSIONS_TIMEOUT = Duration.ofSeconds(30);

    /**
     * @param authenticators asked in order for each CONNECT, on the broker's auth threads
     * @param authorizers    asked for every PUBLISH and SUBSCRIBE
     */
    public Broker(
            BrokerConfig config,
            Storage storage,
            ClusterBus cluster,
            List<Authenticator> authenticators,
            List<Authorizer> authorizers) {
        this(config, storage, cluster, authenticators, authorizers, null);
    }

    /**
     * @param adminPasswords checks the passwords of admin users (the password-file plugin
     *     reading {@code starling.admin.password-file}), or null when there is no such file
     */
    public Broker(
            BrokerConfig config,
            Storage storage,
            ClusterBus cluster,
            List<Authenticator> authenticators,
            List<Authorizer> authorizers,
            Authenticator adminPasswords) {
        this.config = config;
        this.storage = storage;
        this.cluster = cluster;
        this.authExecutor = ThreadPools.fixed("starling-auth", config.authThreads());
        this.workers = EventLoops.newGroup("starling-io", config.ioThreads());
        SubscriptionTrie<Session> trie = new SubscriptionTrie<>();
        SessionStore sessionStore = new ClusterMirroredSessionStore(storage.sessions(), cluster);
        // Shared groups' queues are this node's alone (docs/SHARED.md); sessions' may be copied.
        MessageQueueStore queues = cluster.queueStore(storage.queues());
        this.retained = new RetainedMessages(storage.retained());
        DropLog drops = new DropLog(metrics);
        this.shared = new SharedSubscriptions(
                SharedSubscriptionSettings.from(config.raw()),
                config.maxQueuedMessages(),
                drops,
                storage.queues(),
                cluster);
        Subscriptions subscriptions = new Subscriptions(trie, shared, cluster, sessionStore, metrics);
        this.sessions =
                new SessionRegistry(sessionStore, queues, subscriptions, cluster, config, metrics, drops, workers);
        this.router = new PublishRouter(trie, shared, retained, queues, cluster, sessions::get, duplicates, drops);
        this.authChain = new AuthChain(
                authenticators, authorizers, config.anonymousAccess(), config.authTimeout(), authExecutor);
        LoginThrottle logins = new LoginThrottle(authChain, config.loginLimits(), metrics, System::nanoTime);
        WillPublisher wills = new WillPublisher(authChain, router, messageIds);
        this.delayedWills = new DelayedWills(sessionStore, wills);
        this.savedRedirect = new SavedRedirect(Path.of(config.raw().getString("starling.data-directory")));
        String saved = savedRedirect.read();
        if (saved != null) {
            LOG.info(
                    "Redirect '{}' set through the admin API applies (instead of starling.mqtt5.redirect '{}') until"
                            + " DELETE /api/v1/nodes/ID/redirect.",
                    saved,
                    config.mqtt5().redirect());
        }
        this.redirection = new Redirection(
                saved != null ? saved : config.mqtt5().redirect(),
                config.mqtt5().serverReference());
        ProtocolServices services = new ProtocolServices(
                config,
                sessions,
                subscriptions,
                router,
                retained,
                queues,
                authChain,
                logins,
                messageIds,
                new PacketLog(config.verbose()),
                metrics,
                cluster,
                wills,
                delayedWills,
                redirection);
        this.server = new MqttServer(services, acceptor, workers, tlsHandshakes);
        this.http = new OperationsHttpServer(this, acceptor, workers);
        this.admin = new OperationsHttpServer(this, acceptor, workers);
        this.localAnswers =
                new LocalAnswers(cluster::nodeId, Main.version(), sessions, this, authChain, this::listenerPorts, this);
        AdminLogin login = new AdminLogin(
                adminPasswords,
                config.admin().token(),
                authExecutor,
                config.admin().loginLifetime(),
                config.loginLimits(),
                System::nanoTime);
        this.adminRoutes = new AdminHttp(login, localAnswers, cluster, retained, messageIds, config.websocketPath());
    }

    /**
     * Restores stored state, joins the cluster, settles with it which restored sessions stay
     * here, then opens the listeners.
     *
     * @throws ListenerBindException when a listener's socket cannot be bound; the broker is
     *                               stopped then (it left the cluster and closed its stores)
     */
    public void start() throws InterruptedException {
        int retainedCount = retained.restore();
        // Read before the sessions: restoring deletes expired sessions, whose wills are due.
        int willCount = delayedWills.restore(storage.sessions().loadWills());
        int sessionCount = sessions.restore();
        if (retainedCount + sessionCount + willCount > 0) {
            LOG.info(
                    "Restored {} persistent session(s), {} retained message(s) and {} delayed will(s).",
                    sessionCount,
                    retainedCount,
                    willCount);
        }
        cluster.start(this);
        sessions.settleRestored(RESTORED_SESSIONS_TIMEOUT);
        // Once the cluster settled which sessions stay here (the others' wills are cancelled).
        delayedWills.startRestored(workers.next());
        try {
            openListeners();
        } catch (ListenerBindException e) {
            stop();
            throw e;
        }
        if (!config.sysInterval().isZero()) {
            long millis = config.sysInterval().toMillis();
            SysTopics publisher =
                    new SysTopics(this, message -> router.publish(message, null), messageIds::next, Main.version());
            sysTopics = workers.next().scheduleAtFixedRate(publisher, 0, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void openListeners() throws InterruptedException {
        SslContext tls = config.tls().enabled() || config.websocketTls().enabled()
                ? TlsContexts.server(config.tlsSettings())
                : null;
        open(config.mqtt(), null, null);
        if (config.tls().enabled()) {
            open(config.tls(), tls, null);
        }
        if (config.websocket().enabled()) {
            open(config.websocket(), null, config.websocketPath());
        }
        if (config.websocketTls().enabled()) {
            open(config.websocketTls(), tls, config.websocketPath());
        }
        if (config.admin().enabled()) {
            SslContext adminTls = config.admin().tls() ? TlsContexts.server(config.tlsSettings()) : null;
            openOperations(
                    admin,
                    config.admin().listener(),
                    adminTls,
                    adminRoutes,
                    (adminTls == null ? "http" : "https") + ": dashboard /dashboard/, API /api/v1/, /metrics, /health");
        }
        if (config.http().enabled()) {
            openOperations(http, config.http(), null, null, "/metrics, /health");
        }
    }

    private void openOperations(
            OperationsHttpServer server, ListenerSettings listener, SslContext tls, HttpRoutes routes, String serves)
            throws InterruptedException {
        InetSocketAddress address = server.open(listener, tls, routes);
        addresses.put(listener.kind(), address);
        LOG.info(
                "Opening {} listen socket on {}:{} ({}).", listener.kind(), listener.host(), address.getPort(), serves);
    }

    private void open(ListenerSettings listener, SslContext tls, String websocketPath) throws InterruptedException {
        InetSocketAddress address = server.open(listener, tls, websocketPath);
        addresses.put(listener.kind(), address);
        LOG.info(
                "Opening {} listen socket on {}:{}{}; open to {}.",
                listener.kind(),
                listener.host(),
                address.getPort(),
                listener.kind().equals("ipv4")
                        ? " (" + (EventLoops.nativeTransport() ? "epoll" : "nio") + " transport)"
                        : tls != null ? " (TLS on " + TlsContexts.providerName() + ")" : "",
                whoMayConnect());
    }

    /**
     * Who may connect, for the start-up line of each listener: anonymous access (where from) and
     * whether any auth plugin may accept clients with credentials.
     */
    private String whoMayConnect() {
        List<String> plugins = config.authPlugins();
        String anonymous = config.anonymousAccess().description();
        return plugins.isEmpty()
                ? anonymous + " (no auth plugin configured)"
                : "clients the auth plugins " + plugins + " accept, and to " + anonymous;
    }

    /** The ports of the open listeners by kind. */
    private Map<String, Integer> listenerPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        addresses.forEach((kind, address) -> ports.put(kind, address.getPort()));
        return ports;
    }

    /** The port a listener is bound to: ipv4, tls, websockets, websockets-tls, http or admin. */
    public int port(String listenerKind) {
        InetSocketAddress address = addresses.get(listenerKind);
        if (address == null) {
            throw new IllegalArgumentException("listener " + listenerKind + " is not open");
        }
        return address.getPort();
    }

    /** The broker's counters (what /metrics shows). */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /**
     * Starts ({@code use-another-server}, {@code server-moved}) or stops ({@code none}) sending
     * this node's clients to the configured Server Reference: new CONNECTs are refused, and the
     * connected clients are disconnected (MQTT 5: DISCONNECT 0x9C / 0x9D with the reference).
     * Saved in the data directory: it applies after a restart too, until {@link #clearRedirect}.
     *
     * @return how many connections were told to leave
     */
    @Override
    public int redirect(String mode) {
        savedRedirect.save(mode);
        return apply(mode);
    }

    @Override
    public int clearRedirect() {
        savedRedirect.clear();
        return apply(config.mqtt5().redirect());
    }

    @Override
    public String redirectMode() {
        return redirection.mode();
    }

    private int apply(String mode) {
        redirection.set(mode);
        return mode.equals("none") ? 0 : server.tellConnections(redirection);
    }

    /** Stops the broker; a second call (a second SIGTERM) does nothing. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (sysTopics != null) {
            sysTopics.cancel(false);
        }
        server.stopAccepting();
        http.close();
        admin.close();
        server.closeConnections();
        cluster.handOverSessions();
        cluster.close();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        authExecutor.shutdownNow();
        tlsHandshakes.shutdownNow();
        authChain.close();
        storage.close();
        LOG.info("Broker stopped.");
    }

    @Override
    public BrokerMetrics counters() {
        return metrics;
    }

    @Override
    public int sessionCount() {
        return sessions.size();
    }

    @Override
    public int retainedMessages() {
        return retained.size();
    }

    @Override
    public StoreStatistics store() {
        return storage.statistics();
    }

    @Override
    public ClusterStatistics cluster() {
        return cluster.statistics();
    }

    @Override
    public List<SharedGroupFigures> sharedGroups() {
        return shared.figures();
    }

    @Override
    public CompletionStage<Void> deliverForwarded(StoredMessage message) {
        return router.deliverForwarded(message);
    }

    @Override
    public CompletionStage<Boolean> deliverForwardedWithinQuota(StoredMessage message) {
        return router.deliverForwardedWithinQuota(message);
    }

    @Override
    public CompletionStage<Void> deliverShared(String group, String publisher, StoredMessage message) {
        return shared.deliverShared(group, publisher, message);
    }

    @Override
    public void sharedMembersOnlineElsewhere(String group) {
        shared.membersOnlineElsewhere(group);
    }

    @Override
    public CompletionStage<Void> deliverTo(Collection<String> clientIds, StoredMessage message) {
        return router.deliverTo(clientIds, message);
    }

    @Override
    public void watchForDuplicates(String clientId) {
        duplicates.open(clientId);
    }

    @Override
    public void stopWatchingForDuplicates(Collection<String> clientIds) {
        duplicates.close(clientIds);
    }

    @Override
    public void deliveredBefore(String clientId, Collection<QueuedMessage> messages) {
        for (QueuedMessage queued : messages) {
            duplicates.firstDelivery(clientId, queued.message());
        }
    }

    @Override
    public int sendClientsAway() {
        return server.tellConnections(new Redirection("use-another-server", ""));
    }

    @Override
    public Set<String> clientIds() {
        return sessions.clientIds();
    }

    @Override
    public CompletionStage<Optional<SessionSnapshot>> releaseSession(
            String clientId, SessionRelay relay, boolean cleanStart) {
        delayedWills.continuedElsewhere(clientId, !cleanStart);
        return sessions.release(clientId, relay, cleanStart);
    }

    @Override
    public CompletionStage<Void> continueQueue(String clientId, List<QueuedMessage> part, boolean last) {
        return sessions.continueQueue(clientId, part, last);
    }

    @Override
    public CompletionStage<Void> queuePartMoved(String clientId, Collection<Long> messageIds) {
        return sessions.queuePartMoved(clientId, messageIds);
    }

    @Override
    public CompletionStage<Void> sessionMoved(String clientId) {
        return sessions.sessionMoved(clientId);
    }

    @Override
    public CompletionStage<Void> endRelay(String clientId) {
        return sessions.endRelay(clientId);
    }

    @Override
    public void expectRelay(String clientId) {
        duplicates.open(clientId);
        sessions.expectRelay(clientId);
    }

    @Override
    public void relayEnded(String clientId) {
        sessions.relayEnded(clientId);
    }

    @Override
    public CompletionStage<Void> adoptSession(SessionSnapshot orphan) {
        return sessions.adoptOffline(orphan);
    }

    @Override
    public CompletionStage<Void> takeMessages(String clientId, List<QueuedMessage> messages) {
        return sessions.takeMessages(clientId, messages);
    }

    @Override
    public CompletionStage<Void> applyRetained(StoredMessage message) {
        return retained.retain(message);
    }

    @Override
    public void forEachRetained(Consumer<StoredMessage> visitor) {
        retained.forEachDurable(visitor);
    }

    @Override
    public CompletionStage<Serializable> answer(NodeQuery query) {
        return localAnswers.answer(query);
    }

    @Override
    public CompletionStage<Integer> reconcileRetained(Map<String, StoredMessage> cluster, Set<String> keep) {
        return retained.reconcile(cluster, keep);
    }
}
