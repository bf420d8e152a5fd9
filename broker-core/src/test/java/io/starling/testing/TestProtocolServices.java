package io.starling.testing;

import io.netty.channel.EventLoopGroup;
import io.starling.auth.AuthChain;
import io.starling.auth.LoginThrottle;
import io.starling.cluster.local.SingleNodeClusterBus;
import io.starling.config.BrokerConfig;
import io.starling.config.SharedSubscriptionSettings;
import io.starling.metrics.BrokerMetrics;
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
import io.starling.spi.ClusterBus;
import io.starling.spi.SessionStore;
import io.starling.spi.Storage;
import io.starling.storage.memory.InMemoryStorageProvider;
import java.util.List;

/**
 * The broker-wide services of one connection pipeline, assembled as {@link io.starling.Broker}
 * assembles them, on in-memory storage and a single-node cluster bus, with no listener: for
 * tests that drive {@code MqttConnection} in an {@code EmbeddedChannel}. Anonymous clients are
 * accepted, so authentication completes at once, on the calling thread.
 */
public final class TestProtocolServices {

    private TestProtocolServices() {}

    /**
     * @param loops    where offline sessions run (only restored sessions use it: pass the
     *                 channel's own event loop to keep everything on one thread)
     * @param settings HOCON lines under {@code starling}, as for {@link EmbeddedBroker#start}
     */
    public static ProtocolServices create(EventLoopGroup loops, String... settings) {
        return create(loops, EmbeddedBroker.config(settings));
    }

    /** The same, on an already loaded configuration (loading one takes milliseconds). */
    public static ProtocolServices create(EventLoopGroup loops, BrokerConfig config) {
        Storage storage = InMemoryStorageProvider.newStorage();
        ClusterBus cluster = new SingleNodeClusterBus();
        BrokerMetrics metrics = new BrokerMetrics();
        SubscriptionTrie<Session> trie = new SubscriptionTrie<>();
        SessionStore sessionStore = new ClusterMirroredSessionStore(storage.sessions(), cluster);
        RetainedMessages retained = new RetainedMessages(storage.retained());
        DropLog drops = new DropLog(metrics);
        SharedSubscriptions shared = new SharedSubscriptions(
                SharedSubscriptionSettings.from(config.raw()),
                config.maxQueuedMessages(),
                drops,
                storage.queues(),
                cluster);
        Subscriptions subscriptions = new Subscriptions(trie, shared, cluster, sessionStore, metrics);
        SessionRegistry sessions = new SessionRegistry(
                sessionStore, storage.queues(), subscriptions, cluster, config, metrics, drops, loops);
        PublishRouter router = new PublishRouter(
                trie, shared, retained, storage.queues(), cluster, sessions::get, new DuplicateWindows(), drops);
        // No authenticator: the chain answers at once (allow-anonymous decides), never on another thread.
        AuthChain auth =
                new AuthChain(List.of(), List.of(), config.anonymousAccess(), config.authTimeout(), Runnable::run);
        LoginThrottle logins = new LoginThrottle(auth, config.loginLimits(), metrics, System::nanoTime);
        MessageIds messageIds = new MessageIds();
        WillPublisher wills = new WillPublisher(auth, router, messageIds);
        return new ProtocolServices(
                config,
                sessions,
                subscriptions,
                router,
                retained,
                storage.queues(),
                auth,
                logins,
                messageIds,
                new PacketLog(config.verbose()),
                metrics,
                cluster,
                wills,
                new DelayedWills(sessionStore, wills),
                new Redirection(config.mqtt5().redirect(), config.mqtt5().serverReference()));
    }
}
