package io.starling.testing;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one fuzz input with a time limit, on a worker thread that is reused from input to
 * input. A JUnit {@code @Timeout} on a {@code @FuzzTest} would also bound the whole fuzzing
 * run (one invocation), so the limit is enforced here instead, in both of Jazzer's modes; an
 * input that exceeds it fails with the stack of the stuck thread.
 */
public final class Bounded {

    /** The worker's thread, for the stack of a stuck input. */
    private static final AtomicReference<Thread> STUCK = new AtomicReference<>();

    private static ExecutorService worker = newWorker();

    private Bounded() {}

    public static synchronized void run(Duration limit, Runnable body) {
        Future<?> result = worker.submit(body);
        try {
            result.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            Thread stuck = STUCK.get();
            AssertionError hang = new AssertionError("input still running after " + limit + " (a hang?)");
            if (stuck != null) {
                Throwable where = new Throwable("where the input was");
                where.setStackTrace(stuck.getStackTrace());
                hang.initCause(where);
            }
            worker.shutdownNow();
            worker = newWorker();
            throw hang;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "fuzz-input");
            thread.setDaemon(true);
            STUCK.set(thread);
            return thread;
        });
    }
}
