package io.starling.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Many MQTT connections from one test JVM: one socket each on two Netty threads. Each
 * connection sends its request bytes and must get exactly the expected reply bytes back
 * (e.g. CONNACK 0); then it stays open or is closed.
 */
public final class ConnectionFlood implements AutoCloseable {

    private final EventLoopGroup group = new NioEventLoopGroup(2);
    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    /**
     * Opens {@code count} connections, at most {@code parallel} of them between connect and
     * reply at a time, and returns once all replied.
     *
     * @param request  the bytes connection {@code i} sends
     * @param keepOpen whether a connection stays open after its reply
     * @throws AssertionError when a connection fails or gets another reply, or time runs out
     */
    public void open(
            int port,
            int count,
            int parallel,
            IntFunction<byte[]> request,
            byte[] reply,
            boolean keepOpen,
            Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Semaphore slots = new Semaphore(parallel);
        CountDownLatch replied = new CountDownLatch(count);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
        for (int i = 0; i < count; i++) {
            if (!slots.tryAcquire(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new AssertionError("timed out after " + (count - replied.getCount()) + " of " + count
                        + " connections replied; failures: " + firstFailures());
            }
            byte[] bytes = request.apply(i);
            int index = i;
            bootstrap
                    .clone()
                    .handler(new Exchange(
                            bytes,
                            reply,
                            keepOpen,
                            () -> {
                                slots.release();
                                replied.countDown();
                            },
                            failure -> {
                                failures.add("connection " + index + ": " + failure);
                                slots.release();
                            }))
                    .connect("127.0.0.1", port)
                    .addListener((ChannelFutureListener) future -> {
                        if (!future.isSuccess()) {
                            failures.add("connection " + index + ": " + future.cause());
                            slots.release();
                        }
                    });
            if (!failures.isEmpty()) {
                throw new AssertionError("connections failed: " + firstFailures());
            }
        }
        if (!replied.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) || !failures.isEmpty()) {
            throw new AssertionError((count - replied.getCount()) + " of " + count + " connections replied; failures: "
                    + firstFailures());
        }
    }

    private List<String> firstFailures() {
        synchronized (failures) {
            return new ArrayList<>(failures.subList(0, Math.min(5, failures.size())));
        }
    }

    /** Connections open now. */
    public int openCount() {
        return open.size();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One connection's request and the reply it waits for. */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private final byte[] request;
        private final byte[] reply;
        private final boolean keepOpen;
        private final Runnable onReply;
        private final Consumer<String> onFailure;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private boolean done;

        Exchange(byte[] request, byte[] reply, boolean keepOpen, Runnable onReply, Consumer<String> onFailure) {
            this.request = request;
            this.reply = reply;
            this.keepOpen = keepOpen;
            this.onReply = onReply;
            this.onFailure = onFailure;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            open.add(ctx.channel());
            ctx.writeAndFlush(Unpooled.wrappedBuffer(request));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                received.writeBytes(bytes);
            } finally {
                buf.release();
            }
            if (done || received.size() < reply.length) {
                return;
            }
            done = true;
            if (!Arrays.equals(reply, received.toByteArray())) {
                onFailure.accept(
                        "expected " + Arrays.toString(reply) + ", got " + Arrays.toString(received.toByteArray()));
            } else {
                onReply.run();
            }
            if (!keepOpen) {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.remove(ctx.channel());
            if (!done) {
                done = true;
                onFailure.accept("closed before the reply (" + received.size() + " bytes)");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!done) {
                done = true;
                onFailure.accept(cause.toString());
            }
            ctx.close();
        }
    }
}
