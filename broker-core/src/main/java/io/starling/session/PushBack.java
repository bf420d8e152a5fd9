package io.starling.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Whether one online client's queue is full under the push-back policy, and the publishers
 * waiting for it to have room again. Publishers read the flag and register from their own
 * event loops; the client's session sets and clears it.
 */
public final class PushBack {

    private static final VarHandle WAITING;

    static {
        try {
            WAITING = MethodHandles.lookup().findVarHandle(PushBack.class, "waiting", Queue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile boolean full;
    /**
     * Created by the first publisher that waits: most clients' queues are never full, and an
     * empty queue costs 48 bytes of every connection. Never unset once created.
     */
    private volatile Queue<Runnable> waiting;

    /** Whether publishers that feed this client should stop reading. Safe from any thread. */
    public boolean isFull() {
        return full;
    }

    /**
     * Runs {@code resume} once the queue has room: at once if it has room already. Safe from
     * any thread; {@code resume} runs on the thread that finds room.
     */
    public void awaitRoom(Runnable resume) {
        Queue<Runnable> queue = waiting();
        queue.add(resume);
        // Room may have come between the caller's check and the add: the remove decides
        // whether this thread or the one that cleared the flag runs it. (markRoom clears the
        // flag before it reads the queue, this thread adds before it reads the flag: one of
        // the two sees the other's write.)
        if (!full && queue.remove(resume)) {
            resume.run();
        }
    }

    private Queue<Runnable> waiting() {
        Queue<Runnable> queue = waiting;
        if (queue == null) {
            Queue<Runnable> created = new ConcurrentLinkedQueue<>();
            queue = WAITING.compareAndSet(this, null, created) ? created : waiting;
        }
        return queue;
    }

    void markFull() {
        full = true;
    }

    /** The queue has room (or the client went away): every waiting publisher resumes. */
    void markRoom() {
        full = false;
        Queue<Runnable> queue = waiting;
        if (queue == null) {
            return;
        }
        for (Runnable resume = queue.poll(); resume != null; resume = queue.poll()) {
            resume.run();
        }
    }
}
