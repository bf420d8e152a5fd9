package io.starling.session;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Whether one online client's queue is full under the push-back policy, and the publishers
 * waiting for it to have room again. Publishers read the flag and register from their own
 * event loops; the client's session sets and clears it.
 */
public final class PushBack {

    private volatile boolean full;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    /** Whether publishers that feed this client should stop reading. Safe from any thread. */
    public boolean isFull() {
        return full;
    }

    /**
     * Runs {@code resume} once the queue has room: at once if it has room already. Safe from
     * any thread; {@code resume} runs on the thread that finds room.
     */
    public void awaitRoom(Runnable resume) {
        waiting.add(resume);
        // Room may have come between the caller's check and the add: the remove decides
        // whether this thread or the one that cleared the flag runs it.
        if (!full && waiting.remove(resume)) {
            resume.run();
        }
    }

    void markFull() {
        full = true;
    }

    /** The queue has room (or the client went away): every waiting publisher resumes. */
    void markRoom() {
        full = false;
        for (Runnable resume = waiting.poll(); resume != null; resume = waiting.poll()) {
            resume.run();
        }
    }
}
