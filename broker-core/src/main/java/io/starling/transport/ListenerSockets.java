package io.starling.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.starling.config.ListenerSettings;

/** Binds the server socket of a listener, MQTT or HTTP alike. */
final class ListenerSockets {

    private ListenerSockets() {}

    /** @throws ListenerBindException when the socket cannot be bound */
    static Channel bind(ServerBootstrap bootstrap, ListenerSettings listener) throws InterruptedException {
        ChannelFuture bound = bootstrap.bind(listener.host(), listener.port()).await();
        if (!bound.isSuccess()) {
            throw new ListenerBindException(listener, bound.cause());
        }
        return bound.channel();
    }
}
