package io.starling.session;

import io.netty.util.concurrent.EventExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one session's tasks one at a time, in submission order, on the event loop of the
 * session's current connection. Any thread may submit; at most one thread runs tasks at a
 * time, which is what lets a session's state go without locks. When a connection on another
 * event loop takes the session over, {@link #bindTo} moves later batches there.
 *
 * <p>Submitted tasks go onto a lock-free stack ({@link #submitted}, one small node per task,
 * or none for a {@link Task}, its own node); the draining thread takes the whole stack at once
 * and reverses it into submission order ({@link #taken}). An idle session so costs two
 * fields, not a queue: with thousands of idle connections an array-backed queue per session
 * was the largest object of each.
 */
public final class SessionExecutor implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SessionExecutor.class);
    /** Tasks run per batch before the loop is handed back to other channels. */
    private static final int BATCH = 256;

    private static final VarHandle SUBMITTED;
    private static final VarHandle SCHEDULED;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            SUBMITTED = lookup.findVarHandle(SessionExecutor.class, "submitted", Task.class);
            SCHEDULED = lookup.findVarHandle(SessionExecutor.class, "scheduled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A submitted task, its own node in the stack: {@code next} is the task submitted before it
     * (stack) or after it (taken). The publish path submits one per delivery ({@link
     * Session#submitDelivery}), where a separate node would be a second object per session
     * and message. An instance is submitted once.
     */
    abstract static class Task implements Runnable {
        private Task next;
    }

    /** A task submitted as a plain {@link Runnable}. */
    private static final class Wrapped extends Task {
        private final Runnable task;

        Wrapped(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            task.run();
        }
    }

    /** Newest first; pushed by any thread, taken whole by the draining thread. */
    @SuppressWarnings("unused") // through SUBMITTED
    private volatile Task submitted;
    /** Oldest first: taken from {@link #submitted}, not run yet. Only the draining thread uses it. */
    private Task taken;
    /** Whether a drain runs or is on its way to the loop. */
    @SuppressWarnings("unused") // through SCHEDULED
    private volatile boolean scheduled;

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
        submit(new Wrapped(task));
    }

    /** Runs the task, which is submitted for the first and only time, as {@link #execute} would. */
    void submit(Task task) {
        Task head;
        do {
            head = submitted;
            task.next = head;
        } while (!SUBMITTED.compareAndSet(this, head, task));
        if (SCHEDULED.compareAndSet(this, false, true)) {
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
                Runnable task = next();
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
            boolean more = taken != null;
            scheduled = false;
            if ((more || submitted != null) && SCHEDULED.compareAndSet(this, false, true)) {
                loop.execute(this::drain);
            }
        }
    }

    /** The oldest task not run yet, or null. */
    private Task next() {
        if (taken == null) {
            Task newestFirst = (Task) SUBMITTED.getAndSet(this, null);
            Task oldestFirst = null;
            while (newestFirst != null) {
                Task older = newestFirst.next;
                newestFirst.next = oldestFirst;
                oldestFirst = newestFirst;
                newestFirst = older;
            }
            taken = oldestFirst;
            if (taken == null) {
                return null;
            }
        }
        Task first = taken;
        taken = first.next;
        // A task that is kept after it ran must not keep the ones after it.
        first.next = null;
        return first;
    }
}
