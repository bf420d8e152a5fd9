package io.starling.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayList;
import java.util.List;

/**
 * The last handler of a pipeline under test: records every exception that reached the end of
 * the pipeline (Netty would only log it) and every message no handler consumed (it releases
 * them, and keeps a description).
 */
public final class PipelineEnd extends ChannelInboundHandlerAdapter {

    private final List<Throwable> exceptions = new ArrayList<>();
    private final List<Object> messages = new ArrayList<>();
    private final boolean keepMessages;

    /**
     * @param keepMessages true to hand messages that reach the end to {@link #takeMessages}
     *                     (the caller releases them); false to release them here at once
     */
    public PipelineEnd(boolean keepMessages) {
        this.keepMessages = keepMessages;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        messages.add(msg);
        if (!keepMessages) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        exceptions.add(cause);
    }

    public List<Throwable> exceptions() {
        return exceptions;
    }

    /** The messages that reached the end since the last call. */
    public List<Object> takeMessages() {
        List<Object> taken = new ArrayList<>(messages);
        messages.clear();
        return taken;
    }
}
