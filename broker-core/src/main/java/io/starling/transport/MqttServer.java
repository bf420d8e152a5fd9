package io.starling.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.starling.config.ListenerSettings;
import io.starling.metrics.ThrottledLog;
import io.starling.protocol.MqttConnection;
import io.starling.protocol.MqttFrameDecoder;
import io.starling.protocol.ProtocolServices;
import io.starling.protocol.ShuttingDown;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.slf4j.LoggerFactory;

/**
 * The MQTT listeners (TCP, TLS, WebSocket, WebSocket over TLS): one pipeline per connection,
 * the same MQTT handlers behind whatever carries the bytes; every connection is tracked so
 * shutdown can close them.
 */
public final class MqttServer {

    /** Above this many bytes waiting to be written, a connection counts as not writable. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);
    /**
     * One receive-buffer size predictor for all connections (each still gets its own handle):
     * Netty would otherwise create one per channel. Up to 16 reads per readiness event, as
     * Netty sets on the allocators it creates for socket channels.
     */
    private static final RecvByteBufAllocator RECEIVE_BUFFERS =
            new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(16);
    /** Largest HTTP upgrade request accepted on a WebSocket listener. */
    private static final int MAX_UPGRADE_REQUEST = 16 * 1024;

    private final ProtocolServices services;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final TrafficCounter traffic;
    private final Executor tlsHandshakes;
    private final ChannelGroup listeners = new DefaultChannelGroup("mqtt-listeners", GlobalEventExecutor.INSTANCE);
    private final ChannelGroup connections = new DefaultChannelGroup("mqtt-connections", GlobalEventExecutor.INSTANCE);
    private final ThrottledLog refusedByRate =
            new ThrottledLog(LoggerFactory.getLogger("io.starling.connections"), Duration.ofSeconds(10));

    /**
     * @param tlsHandshakes where the TLS handlers run their delegated tasks (the CPU-heavy
     *                      handshake steps), instead of the connection's event loop
     */
    public MqttServer(
            ProtocolServices services, EventLoopGroup acceptor, EventLoopGroup workers, Executor tlsHandshakes) {
        this.services = services;
        this.tlsHandshakes = tlsHandshakes;
        this.acceptor = acceptor;
        this.workers = workers;
        this.traffic = new TrafficCounter(services.metrics());
    }

    /**
     * Opens a listener.
     *
     * @param tls           the TLS context, or null for plain TCP
     * @param websocketPath the WebSocket path, or null for MQTT directly on the stream
     * @return the address it listens on
     * @throws ListenerBindException when its socket cannot be bound
     */
    public InetSocketAddress open(ListenerSettings listener, SslContext tls, String websocketPath)
            throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, RECEIVE_BUFFERS)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        ChannelPipeline pipeline = channel.pipeline();
                        pipeline.addLast("traffic", traffic);
                        if (tls != null) {
                            pipeline.addLast("tls", tls.newHandler(channel.alloc(), tlsHandshakes));
                        }
                        if (websocketPath != null) {
                            addWebSocket(pipeline, websocketPath);
                        }
                        addMqtt(pipeline);
                    }
                });
        if (listener.maxConnectionsPerSecond() > 0) {
            bootstrap.handler(new ConnectionRateGate(listener, services.metrics(), refusedByRate));
        }
        Channel channel = ListenerSockets.bind(bootstrap, listener);
        listeners.add(channel);
        return (InetSocketAddress) channel.localAddress();
    }

    private void addWebSocket(ChannelPipeline pipeline, String path) {
        pipeline.addLast("http", new HttpServerCodec());
        pipeline.addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_REQUEST));
        pipeline.addLast(
                "websocket",
                new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath(path)
                        .subprotocols("mqtt,mqttv3.1")
                        .maxFramePayloadLength(services.config().maxPacketSize())
                        .build()));
        pipeline.addLast("websocket-frames", WebSocketFrames.INSTANCE);
    }

    /**
     * The MQTT handlers every listener ends with (MqttConnection also encodes what it writes);
     * package-private so the fuzz test drives the same pipeline.
     */
    void addMqtt(ChannelPipeline pipeline) {
        int maxPacketSize = services.config().maxPacketSize();
        pipeline.addLast("flush", new FlushConsolidationHandler(256, true));
        pipeline.addLast(
                "frames",
                new MqttFrameDecoder(maxPacketSize, services.config().mqtt5().topicAliasMaximum()));
        pipeline.addLast(
                "decoder",
                MqttFrameDecoder.nettyDecoder(maxPacketSize, services.config().maxClientIdLength()));
        pipeline.addLast("mqtt", new MqttConnection(services));
    }

    /** Stops accepting connections on every listener. */
    public void stopAccepting() {
        listeners.close().awaitUninterruptibly();
    }

    /** Fires {@code event} on every open connection (each handles it on its own event loop); returns how many. */
    public int tellConnections(Object event) {
        int told = 0;
        for (Channel channel : connections) {
            channel.pipeline().fireUserEventTriggered(event);
            told++;
        }
        return told;
    }

    /**
     * Closes every open connection (their wills are published), after telling MQTT 5 clients
     * the server is shutting down: each connection handles the event on its own event loop
     * before the close, which is queued there after it.
     */
    public void closeConnections() {
        connections.forEach(channel -> channel.pipeline().fireUserEventTriggered(ShuttingDown.INSTANCE));
        connections.close().awaitUninterruptibly();
    }
}
