package io.starling;

import io.netty.channel.EventLoopGroup;
import io.starling.auth.AuthChain;
import io.starling.config.BrokerConfig;
import io.starling.protocol.PacketLog;
import io.starling.protocol.ProtocolServices;
import io.starling.routing.MessageIds;
import io.starling.routing.PublishRouter;
import io.starling.routing.RetainedMessages;
import io.starling.routing.SubscriptionTrie;
import io.starling.routing.Subscriptions;
import io.starling.session.DropLog;
import io.starling.session.Session;
import io.starling.session.SessionRegistry;
import io.starling.spi.ClusterBus;
import io.starling.spi.ClusterNode;
import io.starling.spi.Storage;
import io.starling.spi.StoredMessage;
import io.starling.transport.EventLoops;
import io.starling.transport.MqttServer;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One broker node, assembled from its parts: storage, cluster bus and auth chain come in
 * through the SPIs. {@link #start} restores stored state before the listener opens;
 * {@link #stop} stops accepting, closes connections, then closes the stores.
 */
public final class Broker implements ClusterNode {

    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final Storage storage;
    private final ClusterBus cluster;
    private final ExecutorService authExecutor;
    private final EventLoopGroup acceptor = EventLoops.newGroup("starling-accept", 1);
    private final EventLoopGroup workers = EventLoops.newGroup("starling-io", 0);
    private final SessionRegistry sessions;
    private final RetainedMessages retained;
    private final PublishRouter router;
    private final MqttServer server;
    private final DropLog drops = new DropLog();
    private InetSocketAddress address;

    /**
     * @param authExecutor where authenticators run; shut down by {@link #stop}
     */
    public Broker(BrokerConfig config, Storage storage, ClusterBus cluster, AuthChainFactory auth,
                  ExecutorService authExecutor) {
        this.config = config;
        this.storage = storage;
        this.cluster = cluster;
        this.authExecutor = authExecutor;
        SubscriptionTrie<Session> trie = new SubscriptionTrie<>();
        Subscriptions subscriptions = new Subscriptions(trie, cluster, storage.sessions());
        this.retained = new RetainedMessages(storage.retained());
        this.router = new PublishRouter(trie, retained, storage.queues(), cluster);
        this.sessions = new SessionRegistry(storage.sessions(), storage.queues(), subscriptions, config, drops, workers);
        ProtocolServices services = new ProtocolServices(config, sessions, subscriptions, router, retained,
            storage.queues(), auth.create(authExecutor), new MessageIds(), new PacketLog(config.verbose()));
        this.server = new MqttServer(services, acceptor, workers);
    }

    /** Builds the auth chain once the broker's auth executor exists. */
    @FunctionalInterface
    public interface AuthChainFactory {
        AuthChain create(ExecutorService executor);
    }

    public InetSocketAddress start() throws InterruptedException {
        int retainedCount = retained.restore();
        int sessionCount = sessions.restore();
        if (retainedCount + sessionCount > 0) {
            LOG.info("Restored {} persistent session(s) and {} retained message(s).", sessionCount, retainedCount);
        }
        cluster.start(this);
        address = server.start(config.host(), config.port());
        LOG.info("Opening ipv4 listen socket on {}:{} ({} transport).", config.host(), address.getPort(),
            EventLoops.nativeTransport() ? "epoll" : "nio");
        return address;
    }

    public InetSocketAddress address() {
        return address;
    }

    public void stop() {
        server.stopAccepting();
        server.closeConnections();
        cluster.close();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        authExecutor.shutdownNow();
        storage.close();
        LOG.info("Broker stopped.");
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    public long droppedMessages() {
        return drops.total();
    }

    @Override
    public void deliverForwarded(StoredMessage message) {
        router.deliverForwarded(message);
    }

    @Override
    public void disconnectTakenOver(String clientId) {
        Session session = sessions.get(clientId);
        if (session != null) {
            session.execute(session::closeConnection);
        }
    }
}
