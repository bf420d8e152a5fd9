package io.starling.session;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.internal.PlatformDependent;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one session's tasks one at a time, in submission order, on the event loop of the
 * session's current connection. Any thread may submit; at most one thread runs tasks at a
 * time, which is what lets a session's state go without locks. When a connection on another
 * event loop takes the session over, {@link #bindTo} moves later batches there.
 */
public final class SessionExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SessionExecutor.class);
    /** Tasks run per batch before the loop is handed back to other channels. */
    private static final int BATCH = 256;

    /** Small chunks: a session usually has few tasks queued, and a 1024-slot chunk per session
     *  would cost 4 KiB for every idle connection. */
    private final Queue<Runnable> tasks = PlatformDependent.newMpscQueue(16, 1 << 30);
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable afterBatch;
    private volatile EventExecutor loop;

    /**
     * @param loop       where batches run until {@link #bindTo} says otherwise
     * @param afterBatch run after every batch (the session flushes its connection there)
     */
    public SessionExecutor(EventExecutor loop, Runnable afterBatch) {
        this.loop = loop;
        this.afterBatch = afterBatch;
    }

    @Override
    public void execute(Runnable task) {
        tasks.offer(task);
        if (scheduled.compareAndSet(false, true)) {
            EventExecutor current = loop;
            if (current.inEventLoop()) {
                drain();
            } else {
                current.execute(this::drain);
            }
        }
    }

    /** Runs the task on this executor after the delay. */
    public void schedule(Runnable task, Duration delay) {
        loop.schedule(() -> execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Moves later batches to {@code newLoop}. Call it from a task of this executor. */
    public void bindTo(EventExecutor newLoop) {
        loop = newLoop;
    }

    private void drain() {
        EventExecutor startedOn = loop;
        try {
            for (int i = 0; i < BATCH && loop == startedOn; i++) {
                Runnable task = tasks.poll();
                if (task == null) {
                    break;
                }
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Session task failed", e);
                }
            }
            afterBatch.run();
        } finally {
            scheduled.set(false);
            if (!tasks.isEmpty() && scheduled.compareAndSet(false, true)) {
                loop.execute(this::drain);
            }
        }
    }
}
