package io.starling.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.starling.metrics.BrokerMetrics;

/** Counts the bytes read from and written to client sockets (first handler of each pipeline). */
@Sharable
final class TrafficCounter extends ChannelDuplexHandler {

    private final BrokerMetrics metrics;

    TrafficCounter(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            metrics.bytesReceived(bytes.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            metrics.bytesSent(bytes.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
