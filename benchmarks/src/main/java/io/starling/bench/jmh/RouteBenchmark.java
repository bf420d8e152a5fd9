package io.starling.bench.jmh;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.starling.cluster.local.SingleNodeClusterBus;
import io.starling.config.BrokerConfig;
import io.starling.config.ConfigLoader;
import io.starling.config.SharedSubscriptionSettings;
import io.starling.metrics.BrokerMetrics;
import io.starling.routing.DuplicateWindows;
import io.starling.routing.PausablePublisher;
import io.starling.routing.PublishRouter;
import io.starling.routing.RetainedMessages;
import io.starling.routing.SharedSubscriptions;
import io.starling.routing.SubscriptionTrie;
import io.starling.routing.Subscriptions;
import io.starling.session.ClientLink;
import io.starling.session.ClusterMirroredSessionStore;
import io.starling.session.ConnectionDetails;
import io.starling.session.DropLog;
import io.starling.session.PushBack;
import io.starling.session.Session;
import io.starling.session.SessionRegistry;
import io.starling.spi.ClusterBus;
import io.starling.spi.SessionStore;
import io.starling.spi.Storage;
import io.starling.spi.StoredMessage;
import io.starling.storage.memory.InMemoryStorageProvider;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One client PUBLISH routed by the broker's {@link PublishRouter} to the sessions of this node
 * that match it, assembled as {@code io.starling.Broker} assembles it, on in-memory storage and
 * a single-node cluster bus. The sessions are connected through the {@link SessionRegistry} to
 * clients that read everything at once and acknowledge each QoS 1 message as it is sent, on an
 * executor that runs their tasks on the calling thread: one operation is the whole delivery,
 * routing and each session's send, and the figure that matters is {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} (bytes per publish, the same on a busy machine as on a quiet one).
 * Each operation also allocates its message (48 bytes), as decoding a PUBLISH does. Short
 * iterations: that figure does not vary between them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class RouteBenchmark {

    private static final String TOPIC = "site/42/dev/417/temperature";
    private static final String FILTER = "site/42/dev/+/temperature";

    @Param({"0", "1"})
    public int qos;

    @Param({"1", "10", "100"})
    public int sessions;

    /** Clean session 0: a QoS 1 message is appended to each one's stored queue before it is sent. */
    @Param({"false", "true"})
    public boolean persistent;

    private final byte[] payload = new byte[64];
    private EventLoopGroup offlineLoops;
    private PublishRouter router;
    private long nextId;

    /** A client of this node whose queues never fill here, so it is never paused. */
    private final PausablePublisher publisher = new PausablePublisher() {
        @Override
        public Session session() {
            return null;
        }

        @Override
        public void pauseFor(PushBack full) {
            throw new IllegalStateException("no subscriber's queue fills in this benchmark");
        }
    };

    @Setup
    public void connect() {
        BrokerConfig config = BrokerConfig.from(ConfigLoader.load(null, Map.of()));
        Storage storage = InMemoryStorageProvider.newStorage();
        ClusterBus cluster = new SingleNodeClusterBus();
        BrokerMetrics metrics = new BrokerMetrics();
        SubscriptionTrie<Session> trie = new SubscriptionTrie<>();
        SessionStore sessionStore = new ClusterMirroredSessionStore(storage.sessions(), cluster);
        // Only sessions restored at start run there; none is.
        offlineLoops = new DefaultEventLoopGroup(1);
        DropLog drops = new DropLog(metrics);
        SharedSubscriptions shared = new SharedSubscriptions(
                SharedSubscriptionSettings.from(config.raw()),
                config.maxQueuedMessages(),
                drops,
                storage.queues(),
                cluster);
        Subscriptions subscriptions = new Subscriptions(trie, shared, cluster, sessionStore, metrics);
        SessionRegistry registry = new SessionRegistry(
                sessionStore, storage.queues(), subscriptions, cluster, config, metrics, drops, offlineLoops);
        router = new PublishRouter(
                trie,
                shared,
                new RetainedMessages(storage.retained()),
                storage.queues(),
                cluster,
                registry::get,
                new DuplicateWindows(),
                drops);
        for (int i = 0; i < sessions; i++) {
            AckingClient client = new AckingClient();
            CompletionStage<Session> connected = registry.connect(
                    "subscriber-" + i, !persistent, client, ImmediateEventExecutor.INSTANCE, sessionPresent -> {});
            Session session = connected.toCompletableFuture().join();
            client.session = session;
            session.execute(() -> subscriptions.add(session, FILTER, 1));
        }
    }

    @TearDown
    public void stop() {
        offlineLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Benchmark
    public CompletionStage<Void> publish() {
        return router.publish(new StoredMessage(++nextId, TOPIC, qos, false, payload, 0L), null, publisher);
    }

    /** A subscriber that reads at once and acknowledges each QoS 1 message as soon as it is sent. */
    private static final class AckingClient implements ClientLink {

        Session session;

        @Override
        public void sendPublish(StoredMessage message, int qos, int packetId, boolean dup) {
            if (qos == 1) {
                // On the session's thread already: the send is the session's task.
                session.onPuback(packetId);
            }
        }

        @Override
        public void sendPubrel(int packetId) {
            throw new IllegalStateException("no QoS 2 in this benchmark");
        }

        @Override
        public void flush() {
            // Nothing is buffered.
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void closeForTakeover(boolean sessionEnds) {
            throw new IllegalStateException("no client id is used twice in this benchmark");
        }

        @Override
        public void closeAsSlowConsumer(String reason) {
            throw new IllegalStateException(reason);
        }

        @Override
        public void closeByOperator() {
            throw new IllegalStateException("no operator in a benchmark");
        }

        @Override
        public ConnectionDetails details() {
            throw new IllegalStateException("no admin API in a benchmark");
        }
    }
}
