package io.starling.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.starling.protocol.MqttConnection;
import io.starling.protocol.MqttFrameDecoder;
import io.starling.protocol.ProtocolServices;
import java.net.InetSocketAddress;

/** The MQTT TCP listener: one pipeline per connection, all connections tracked for shutdown. */
public final class MqttServer {

    /** Above this many bytes waiting to be written, a connection counts as not writable. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);

    private final ProtocolServices services;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final ChannelGroup connections = new DefaultChannelGroup("mqtt-connections", GlobalEventExecutor.INSTANCE);
    private Channel serverChannel;

    public MqttServer(ProtocolServices services, EventLoopGroup acceptor, EventLoopGroup workers) {
        this.services = services;
        this.acceptor = acceptor;
        this.workers = workers;
    }

    /** Binds the listener; returns the address it listens on. */
    public InetSocketAddress start(String host, int port) throws InterruptedException {
        int maxPacketSize = services.config().maxPacketSize();
        int maxClientIdLength = services.config().maxClientIdLength();
        ServerBootstrap bootstrap = new ServerBootstrap()
            .group(acceptor, workers)
            .channel(EventLoops.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
            .childHandler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel channel) {
                    connections.add(channel);
                    ChannelPipeline pipeline = channel.pipeline();
                    pipeline.addLast("flush", new FlushConsolidationHandler(256, true));
                    pipeline.addLast("frames", new MqttFrameDecoder(maxPacketSize));
                    pipeline.addLast("decoder", new MqttDecoder(maxPacketSize, maxClientIdLength));
                    pipeline.addLast("encoder", MqttEncoder.INSTANCE);
                    pipeline.addLast("mqtt", new MqttConnection(services));
                }
            });
        serverChannel = bootstrap.bind(host, port).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting connections. */
    public void stopAccepting() {
        if (serverChannel != null) {
            serverChannel.close().awaitUninterruptibly();
        }
    }

    /** Closes every open connection (their wills are published). */
    public void closeConnections() {
        connections.close().awaitUninterruptibly();
    }

    public int connectionCount() {
        return connections.size();
    }
}
