package io.starling.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.starling.transport.EventLoops;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;

/**
 * Opens MQTT client connections to one broker (or, with {@link #to}, to another node too), all
 * of them on a few event loops (the same
 * native transport as the broker's), at most {@code pending} CONNECTs at a time so
 * thousands of connections do not overflow the broker's accept backlog.
 */
final class Connector implements AutoCloseable {

    private static final int MAX_PACKET = 16 * 1024 * 1024;

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    /** The client TLS context, or null for plain TCP. */
    private final SslContext tls;
    /** The password of each client id (sent with the id as user name), or null for anonymous clients. */
    private final UnaryOperator<String> passwords;

    private final MqttVersion version;
    /** CONNECTs outstanding at most in {@link #connectAll}. */
    private final int pending;
    /** Whether closing this connector stops the event loops (not for one made by {@link #to}). */
    private final boolean ownsGroup;

    /**
     * @param tls       TLS on: the broker's certificate is not checked (a benchmark on loopback
     *                  against a throw-away certificate); a reconnecting client offers its
     *                  previous session for resumption, as device TLS stacks do
     * @param passwords the password of each client id, which is also its user name; null: none
     * @param pending   CONNECTs outstanding at most in {@link #connectAll}
     * @param version   the MQTT version of the clients' CONNECT
     */
    Connector(
            String host,
            int port,
            int threads,
            boolean tls,
            UnaryOperator<String> passwords,
            int pending,
            MqttVersion version) {
        this.tls = tls ? clientTls() : null;
        this.version = version;
        this.passwords = passwords;
        this.pending = pending;
        group = EventLoops.newGroup("bench-client", threads);
        bootstrap = new Bootstrap()
                .group(group)
                .channel(EventLoops.nativeTransport() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .remoteAddress(host, port);
        ownsGroup = true;
    }

    private Connector(Connector base, int port) {
        group = base.group;
        tls = base.tls;
        passwords = base.passwords;
        pending = base.pending;
        version = base.version;
        InetSocketAddress address = (InetSocketAddress) base.bootstrap.config().remoteAddress();
        bootstrap = base.bootstrap.clone().remoteAddress(address.getHostString(), port);
        ownsGroup = false;
    }

    /** Connections to {@code port} on the same host, on this connector's event loops. */
    Connector to(int port) {
        return new Connector(this, port);
    }

    /** Completes on CONNACK 0 with the connected client. */
    Future<MqttClient> connect(String clientId, boolean cleanSession, MqttClient.Listener listener) {
        Promise<MqttClient> connected = group.next().newPromise();
        MqttClient client = new MqttClient(
                clientId,
                cleanSession,
                passwords == null ? null : passwords.apply(clientId),
                version,
                listener,
                connected);
        InetSocketAddress broker = (InetSocketAddress) bootstrap.config().remoteAddress();
        bootstrap
                .clone()
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (tls != null) {
                            // With the peer's host and port the JDK finds a session to resume.
                            channel.pipeline()
                                    .addLast(tls.newHandler(channel.alloc(), broker.getHostString(), broker.getPort()));
                        }
                        channel.pipeline().addLast(new MqttDecoder(MAX_PACKET), MqttEncoder.INSTANCE, client);
                    }
                })
                .connect()
                .addListener(f -> {
                    if (!f.isSuccess()) {
                        connected.tryFailure(f.cause());
                    }
                });
        return connected;
    }

    /**
     * A connection from {@code localAddress} (one of this machine's loopback addresses, so the
     * broker sees another source address) with the MQTT codec in front of {@code handler},
     * which does the rest.
     */
    ChannelFuture connectFrom(String localAddress, ChannelHandler handler) {
        return bootstrap
                .clone()
                .localAddress(localAddress, 0)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new MqttDecoder(MAX_PACKET), MqttEncoder.INSTANCE, handler);
                    }
                })
                .connect();
    }

    /** Connects every client id, at most {@code pending} at a time; fails on the first refusal or at the deadline. */
    List<MqttClient> connectAll(
            List<String> clientIds,
            boolean cleanSession,
            IntFunction<MqttClient.Listener> listeners,
            long deadlineNanos)
            throws InterruptedException, TimeoutException {
        Semaphore outstanding = new Semaphore(pending);
        List<Future<MqttClient>> futures = new ArrayList<>(clientIds.size());
        for (int i = 0; i < clientIds.size(); i++) {
            if (!outstanding.tryAcquire(remaining(deadlineNanos), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("connecting " + clientIds.size() + " clients took too long");
            }
            Future<MqttClient> future = connect(clientIds.get(i), cleanSession, listeners.apply(i));
            future.addListener(f -> outstanding.release());
            futures.add(future);
        }
        List<MqttClient> clients = new ArrayList<>(futures.size());
        for (Future<MqttClient> future : futures) {
            clients.add(await(future, deadlineNanos, "CONNACK"));
        }
        return clients;
    }

    static <T> T await(Future<T> future, long deadlineNanos, String what)
            throws InterruptedException, TimeoutException {
        if (!future.await(remaining(deadlineNanos), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("no " + what + " before the deadline");
        }
        if (!future.isSuccess()) {
            throw new IllegalStateException(what + " failed: " + future.cause().getMessage(), future.cause());
        }
        return future.getNow();
    }

    static long remaining(long deadlineNanos) {
        return Math.max(0, deadlineNanos - System.nanoTime());
    }

    /** Closes every client and waits for the closes (bounded by the deadline). */
    static void disconnectAll(List<MqttClient> clients, long deadlineNanos) throws InterruptedException {
        List<Future<Void>> closes = new ArrayList<>(clients.size());
        for (MqttClient client : clients) {
            closes.add(client.disconnect());
        }
        for (Future<Void> close : closes) {
            close.await(remaining(deadlineNanos), TimeUnit.NANOSECONDS);
        }
    }

    private static SslContext clientTls() {
        try {
            // The JDK's TLS on the client side whatever the broker uses (netty-tcnative is on
            // this class path too): runs against different brokers share the same client cost.
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up client TLS: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
