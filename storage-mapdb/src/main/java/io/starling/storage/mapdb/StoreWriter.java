package io.starling.storage.mapdb;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the store. Other threads hand it work and get a future back, so
 * callers never block and the store needs no locks. It takes everything queued, applies it,
 * and commits once for the whole batch (group commit): while one commit's fsync runs, the
 * next batch gathers. When a write's future completes depends on the {@link Durability}.
 * A failed write or commit rolls the transaction back and fails the futures of every write
 * in it; the thread carries on with the next batch.
 */
final class StoreWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    /** One piece of work for the writer thread. */
    private static final class Task<T> {
        final Function<StoreTables, T> work;
        final boolean write;
        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;

        Task(Function<StoreTables, T> work, boolean write) {
            this.work = work;
            this.write = write;
        }

        void run(StoreTables tables) {
            result = work.apply(tables);
        }

        void succeed() {
            done.complete(result);
        }

        void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    /** Queued by {@link #close}: everything before it is applied and committed, then the store closes. */
    private static final Task<Void> CLOSE = new Task<>(tables -> null, false);

    private final StoreTables tables;
    private final Durability durability;
    private final long commitIntervalNanos;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong commits = new AtomicLong();
    private final Thread thread;
    /** Writes applied but not committed whose futures wait for the commit (durability always). */
    private final List<Task<?>> awaitingCommit = new ArrayList<>();
    private int uncommittedWrites;
    private long lastCommitNanos = System.nanoTime();

    StoreWriter(StoreTables tables, Durability durability, Duration commitInterval) {
        this.tables = tables;
        this.durability = durability;
        this.commitIntervalNanos = commitInterval.toNanos();
        this.thread = new Thread(this::run, "starling-mapdb-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a change; completes when it is durable at the configured level. */
    CompletionStage<Void> write(Consumer<StoreTables> change) {
        return submit(new Task<>(tables -> {
            change.accept(tables);
            return null;
        }, true));
    }

    /** Reads on the writer thread and waits for the result: for start-up only, never on an event loop. */
    <T> T read(Function<StoreTables, T> query) {
        return submit(new Task<>(query, false)).join();
    }

    private <T> CompletableFuture<T> submit(Task<T> task) {
        if (closed.get()) {
            task.fail(new IllegalStateException("the MapDB store is closed"));
        } else {
            queue.add(task);
        }
        return task.done;
    }

    /** Commits done so far (each covers every write applied since the one before). */
    long commits() {
        return commits.get();
    }

    /** Applies and commits everything queued before, closes the store and ends the thread. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            queue.add(CLOSE);
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        List<Task<?>> batch = new ArrayList<>();
        boolean open = true;
        while (open) {
            Task<?> first = next();
            if (first != null) {
                batch.add(first);
                queue.drainTo(batch);
            }
            for (Task<?> task : batch) {
                if (task == CLOSE) {
                    open = false;
                } else {
                    apply(task);
                }
            }
            batch.clear();
            if (commitDue(open)) {
                commit();
            }
        }
        closeStore();
    }

    /** The next task, or null when an interval commit falls due first. */
    private Task<?> next() {
        try {
            if (durability == Durability.INTERVAL && uncommittedWrites > 0) {
                long wait = lastCommitNanos + commitIntervalNanos - System.nanoTime();
                return queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
            }
            return queue.take();
        } catch (InterruptedException e) {
            // Nobody interrupts this thread on purpose; closing goes through the queue.
            return null;
        }
    }

    private void apply(Task<?> task) {
        try {
            task.run(tables);
        } catch (RuntimeException e) {
            if (task.write) {
                abandonTransaction(e);
            }
            task.fail(task.write ? failure(e) : e);
            return;
        }
        if (!task.write) {
            task.succeed();
            return;
        }
        uncommittedWrites++;
        if (durability.completesBeforeCommit()) {
            task.succeed();
        } else {
            awaitingCommit.add(task);
        }
    }

    private boolean commitDue(boolean open) {
        if (uncommittedWrites == 0) {
            return false;
        }
        return switch (durability) {
            case ALWAYS -> true;
            case INTERVAL -> !open || System.nanoTime() - lastCommitNanos >= commitIntervalNanos;
            case NONE -> !open;
        };
    }

    private void commit() {
        try {
            tables.db.commit();
        } catch (RuntimeException e) {
            abandonTransaction(e);
            return;
        }
        commits.incrementAndGet();
        lastCommitNanos = System.nanoTime();
        uncommittedWrites = 0;
        awaitingCommit.forEach(Task::succeed);
        awaitingCommit.clear();
    }

    /** Rolls back every write since the last commit and fails the futures still waiting for it. */
    private void abandonTransaction(RuntimeException cause) {
        LOG.error("MapDB store write failed, {} write(s) rolled back: {}", uncommittedWrites + 1, cause.toString());
        int acknowledged = uncommittedWrites - awaitingCommit.size();
        if (acknowledged > 0) {
            LOG.error("{} write(s) reported done before commit (durability {}) are lost.", acknowledged, durability);
        }
        try {
            tables.db.rollback();
        } catch (RuntimeException e) {
            LOG.error("MapDB rollback failed", e);
        }
        StoreWriteException failure = failure(cause);
        awaitingCommit.forEach(task -> task.fail(failure));
        awaitingCommit.clear();
        uncommittedWrites = 0;
        lastCommitNanos = System.nanoTime();
    }

    private static StoreWriteException failure(RuntimeException cause) {
        return cause instanceof StoreWriteException known ? known
            : new StoreWriteException("the message store could not be written: " + cause.getMessage(), cause);
    }

    private void closeStore() {
        try {
            tables.db.close();
        } catch (RuntimeException e) {
            LOG.error("Closing the MapDB store failed", e);
        }
        IllegalStateException closedFailure = new IllegalStateException("the MapDB store is closed");
        for (Task<?> task = queue.poll(); task != null; task = queue.poll()) {
            task.fail(closedFailure);
        }
    }
}
