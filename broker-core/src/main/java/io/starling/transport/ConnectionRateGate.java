package io.starling.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.starling.config.ListenerSettings;
import io.starling.metrics.BrokerMetrics;
import io.starling.metrics.ThrottledLog;

/**
 * On a listener's server channel: closes accepted connections beyond the listener's rate
 * before they are given an event loop. It runs on the acceptor thread, so connections are
 * counted in the order they were accepted (on the connections' own event loops the order
 * between loops would be arbitrary).
 */
final class ConnectionRateGate extends ChannelInboundHandlerAdapter {

    private final ConnectionRateLimiter limiter;
    private final ListenerSettings listener;
    private final BrokerMetrics metrics;
    private final ThrottledLog log;

    ConnectionRateGate(ListenerSettings listener, BrokerMetrics metrics, ThrottledLog log) {
        this.limiter = new ConnectionRateLimiter(listener.maxConnectionsPerSecond(), System::nanoTime);
        this.listener = listener;
        this.metrics = metrics;
        this.log = log;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel accepted = (Channel) msg;
        if (limiter.tryAcquire()) {
            ctx.fireChannelRead(accepted);
            return;
        }
        metrics.connectionRateLimited();
        log.event(
                "Closed {} new connection(s) on the {} listener since the last report: more than {} per second"
                        + " (latest from {}).",
                listener.kind(),
                listener.maxConnectionsPerSecond(),
                accepted.remoteAddress());
        // Not registered with an event loop yet: closed at once, on this thread.
        accepted.unsafe().closeForcibly();
    }
}
