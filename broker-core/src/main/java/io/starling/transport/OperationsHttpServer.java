package io.starling.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.starling.config.ListenerSettings;
import io.starling.metrics.MetricsSource;
import io.starling.metrics.PrometheusText;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The operations endpoint: {@code GET /metrics} (Prometheus text format) and {@code GET /health};
 * opened with {@link HttpRoutes} (the admin listener) also those routes, over TLS if given.
 */
public final class OperationsHttpServer {

    private final MetricsSource metrics;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private Channel channel;
    private HttpRoutes routes;

    public OperationsHttpServer(MetricsSource metrics, EventLoopGroup acceptor, EventLoopGroup workers) {
        this.metrics = metrics;
        this.acceptor = acceptor;
        this.workers = workers;
    }

    /** @throws ListenerBindException when its socket cannot be bound */
    public InetSocketAddress open(ListenerSettings listener) throws InterruptedException {
        return open(listener, null, null);
    }

    /**
     * Opens the listener serving {@code routes} too (null: only /metrics and /health), over TLS
     * when {@code tls} is not null.
     *
     * @throws ListenerBindException when its socket cannot be bound
     */
    public InetSocketAddress open(ListenerSettings listener, SslContext tls, HttpRoutes routes)
            throws InterruptedException {
        this.routes = routes;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(EventLoops.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Endpoints());
                    }
                });
        channel = ListenerSockets.bind(bootstrap, listener);
        return (InetSocketAddress) channel.localAddress();
    }

    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
    }

    private final class Endpoints extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String path = request.uri().replaceFirst("\\?.*$", "");
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            CompletionStage<HttpReply> routed = routes == null ? null : routes.answer(call(ctx, request, path));
            if (routed != null) {
                routed.whenComplete((reply, failure) -> ctx.executor().execute(() -> {
                    if (failure != null) {
                        ctx.close();
                    } else {
                        respond(ctx, response(reply), keepAlive);
                    }
                }));
                return;
            }
            FullHttpResponse response;
            if (request.method() != HttpMethod.GET) {
                response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET\n", "text/plain");
            } else if (path.equals("/metrics")) {
                response = text(HttpResponseStatus.OK, PrometheusText.render(metrics), "text/plain; version=0.0.4");
            } else if (path.equals("/health")) {
                response = text(HttpResponseStatus.OK, "{\"status\":\"UP\"}\n", "application/json");
            } else {
                response = text(HttpResponseStatus.NOT_FOUND, "not found\n", "text/plain");
            }
            respond(ctx, response, keepAlive);
        }

        private void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        /** The request copied out of Netty's buffers: its form-encoded body's fields join the query's parameters. */
        private HttpCall call(ChannelHandlerContext ctx, FullHttpRequest request, String path) {
            Map<String, List<String>> parameters =
                    new LinkedHashMap<>(new QueryStringDecoder(request.uri()).parameters());
            String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            if (type.startsWith("application/x-www-form-urlencoded")) {
                String body = request.content().toString(StandardCharsets.UTF_8);
                new QueryStringDecoder(body, StandardCharsets.UTF_8, false)
                        .parameters()
                        .forEach(parameters::putIfAbsent);
            }
            Map<String, String> headers = new HashMap<>();
            request.headers()
                    .forEach(
                            header -> headers.putIfAbsent(header.getKey().toLowerCase(Locale.ROOT), header.getValue()));
            return new HttpCall(
                    request.method().name(),
                    path,
                    parameters,
                    headers,
                    (InetSocketAddress) ctx.channel().remoteAddress(),
                    ctx.pipeline().get(SslHandler.class) != null);
        }

        private FullHttpResponse response(HttpReply reply) {
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(reply.status()),
                    Unpooled.wrappedBuffer(reply.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            reply.headers().forEach((name, value) -> response.headers().set(name, value));
            HttpUtil.setContentLength(response, reply.body().length);
            return response;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private FullHttpResponse text(HttpResponseStatus status, String body, String contentType) {
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType + "; charset=utf-8");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            return response;
        }
    }
}
