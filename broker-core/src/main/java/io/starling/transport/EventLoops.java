package io.starling.transport;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Netty's native epoll transport where it is available (Linux), NIO elsewhere. */
public final class EventLoops {

    private EventLoops() {}

    public static boolean nativeTransport() {
        return Epoll.isAvailable();
    }

    public static EventLoopGroup newGroup(String name, int threads) {
        DefaultThreadFactory factory = new DefaultThreadFactory(name, true);
        return nativeTransport() ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    public static Class<? extends ServerSocketChannel> serverChannel() {
        return nativeTransport() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
