package io.starling.storage.mapdb;

import io.starling.concurrent.DaemonThreads;
import io.starling.spi.StoreStatistics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.ListIterator;
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
 *
 * <p>A write that fails (or would grow the store beyond max-size) fails alone: the
 * transaction is rolled back and the other writes applied since the last commit are applied
 * again, because the broker does not wait for some of them (a removal after PUBACK) and
 * silently losing those would redeliver messages after a restart. A failed commit fails
 * every write it held and reopens the store from disk. The thread always carries on.
 */
final class StoreWriter implements AutoCloseable, StoreStatistics {

    private static final Logger LOG = LoggerFactory.getLogger(StoreWriter.class);

    /** One piece of work for the writer thread. */
    private static final class Task<T> {
        final Function<StoreTables, T> work;
        final boolean write;
        /** Whether max-size may refuse it (writes that add data). */
        final boolean sizeChecked;

        final CompletableFuture<T> done = new CompletableFuture<>();
        T result;

        Task(Function<StoreTables, T> work, boolean write, boolean sizeChecked) {
            this.work = work;
            this.write = write;
            this.sizeChecked = sizeChecked;
        }

        void run(StoreTables tables) {
            result = work.apply(tables);
        }

        /** Completes the future; later calls (a write applied again after a rollback) change nothing. */
        void succeed() {
            done.complete(result);
        }

        void fail(Throwable failure) {
            done.completeExceptionally(failure);
        }
    }

    /** Queued by {@link #close}: everything before it is applied and committed, then the store closes. */
    private static final Task<Void> CLOSE = new Task<>(tables -> null, false, false);

    private final MapDbSettings settings;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong commitNanos = new AtomicLong();
    private final AtomicLong expiredRemoved = new AtomicLong();
    /** The store file's size after the last commit, for monitoring. */
    private volatile long sizeBytes;

    private final Thread thread;
    /** Null while the store cannot be reopened after a failed commit. */
    private StoreTables tables;
    /** That of the tables last opened (kept while they cannot be reopened: the limits go on counting what was). */
    private volatile QueueUsage usage;
    /** Writes applied since the last commit, to apply again after a rollback (not kept with durability none). */
    private final List<Task<?>> uncommitted = new ArrayList<>();

    private int uncommittedWrites;
    private long lastCommitNanos = System.nanoTime();

    /** Opens the store (see {@link StoreOpener}) and starts the writer thread. */
    StoreWriter(MapDbSettings settings) {
        this.settings = settings;
        this.tables = StoreOpener.open(settings);
        this.usage = tables.usage;
        // Known from the start: a node that has written nothing yet still has a store file.
        this.sizeBytes = tables.fileSize();
        this.thread = DaemonThreads.named("starling-mapdb-writer").newThread(this::run);
        thread.start();
    }

    /** Queues a change that adds data; completes when it is durable at the configured level. */
    CompletionStage<Void> write(Consumer<StoreTables> change) {
        return submit(writeTask(change, true));
    }

    /**
     * Queues a removal or an in-place change. max-size never refuses these, so that a full
     * store can still drain, and in-flight state (which the broker does not wait for) is kept.
     */
    CompletionStage<Void> update(Consumer<StoreTables> change) {
        return submit(writeTask(change, false));
    }

    private static Task<Void> writeTask(Consumer<StoreTables> change, boolean sizeChecked) {
        return new Task<>(
                store -> {
                    change.accept(store);
                    return null;
                },
                true,
                sizeChecked);
    }

    /** Reads on the writer thread and waits for the result: for start-up only, never on an event loop. */
    <T> T read(Function<StoreTables, T> query) {
        return query(query).join();
    }

    /**
     * Reads on the writer thread, after every write queued before it (applied, maybe not yet
     * committed); the future completes on the writer thread.
     */
    <T> CompletableFuture<T> query(Function<StoreTables, T> query) {
        return submit(new Task<>(query, false, false));
    }

    /** The bytes charged to each client's queue; read from any thread. */
    QueueUsage usage() {
        return usage;
    }

    MapDbSettings settings() {
        return settings;
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
    @Override
    public long commits() {
        return commits.get();
    }

    @Override
    public long commitNanos() {
        return commitNanos.get();
    }

    @Override
    public long expiredMessagesRemoved() {
        return expiredRemoved.get();
    }

    /** Counts queued copies of expired messages removed ({@link ExpiredMessages}). */
    void countExpiredRemoved(int count) {
        expiredRemoved.addAndGet(count);
    }

    @Override
    public long queuedBytes() {
        return usage.total();
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
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
            open = !batch.remove(CLOSE);
            applyAll(batch);
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
            if (settings.durability() == Durability.INTERVAL && uncommittedWrites > 0) {
                long wait = lastCommitNanos + settings.commitInterval().toNanos() - System.nanoTime();
                return queue.poll(Math.max(0, wait), TimeUnit.NANOSECONDS);
            }
            return queue.take();
        } catch (InterruptedException e) {
            // Nobody interrupts this thread on purpose; closing goes through the queue.
            return null;
        }
    }

    private void applyAll(List<Task<?>> batch) {
        if (tables == null && !batch.isEmpty()) {
            reopen();
        }
        Deque<Task<?>> todo = new ArrayDeque<>(batch);
        while (!todo.isEmpty()) {
            Task<?> task = todo.pollFirst();
            if (tables == null) {
                task.fail(new StoreWriteException("the MapDB store " + settings.file() + " is unavailable", null));
                continue;
            }
            try {
                long sizeBefore = tables.fileSize();
                task.run(tables);
                if (task.sizeChecked) {
                    checkGrowth(sizeBefore);
                }
            } catch (RuntimeException e) {
                if (task.write) {
                    task.fail(writeFailure(e));
                    List<Task<?>> undone = rollBack(e);
                    for (ListIterator<Task<?>> it = undone.listIterator(undone.size()); it.hasPrevious(); ) {
                        todo.addFirst(it.previous());
                    }
                } else {
                    task.fail(e);
                }
                continue;
            }
            if (task.write) {
                applied(task);
            } else {
                task.succeed();
            }
        }
    }

    private void applied(Task<?> task) {
        uncommittedWrites++;
        if (settings.durability() != Durability.NONE) {
            uncommitted.add(task);
        }
        if (settings.durability().completesBeforeCommit()) {
            task.succeed();
        }
    }

    /** max-size: refuses a write that makes the store file grow beyond it, as a full disk would. */
    private void checkGrowth(long sizeBefore) {
        long size = tables.fileSize();
        if (settings.maxSize() > 0 && size > sizeBefore && size > settings.maxSize()) {
            throw new StoreWriteException(
                    "the store " + settings.file() + " would grow to " + size + " bytes, beyond max-size "
                            + settings.maxSize(),
                    null);
        }
    }

    /** Undoes everything since the last commit; returns the writes to apply again, in order. */
    private List<Task<?>> rollBack(RuntimeException cause) {
        LOG.error("MapDB store write failed and was not stored: {}", Causes.rootMessage(cause));
        LOG.debug("Store write failure", cause);
        if (settings.durability() == Durability.NONE && uncommittedWrites > 0) {
            LOG.error("{} write(s) since the last commit are lost (durability none).", uncommittedWrites);
        }
        List<Task<?>> undone = new ArrayList<>(uncommitted);
        uncommitted.clear();
        uncommittedWrites = 0;
        try {
            tables.db.rollback();
            tables.usage.reload();
        } catch (RuntimeException e) {
            LOG.error("MapDB rollback failed, reopening the store: {}", Causes.rootMessage(e));
            reopen();
        }
        return undone;
    }

    private boolean commitDue(boolean open) {
        if (uncommittedWrites == 0 || tables == null) {
            return false;
        }
        return switch (settings.durability()) {
            case ALWAYS -> true;
            case INTERVAL ->
                !open
                        || System.nanoTime() - lastCommitNanos
                                >= settings.commitInterval().toNanos();
            case NONE -> !open;
        };
    }

    private void commit() {
        long started = System.nanoTime();
        try {
            tables.usage.persist();
            tables.db.commit();
        } catch (RuntimeException e) {
            // The commit may have stopped half-way (its log written, the store file not): only
            // reopening from disk gives a consistent store again.
            LOG.error(
                    "MapDB commit of {} write(s) failed, reopening the store: {}",
                    uncommittedWrites,
                    Causes.rootMessage(e));
            StoreWriteException failure = writeFailure(e);
            uncommitted.forEach(task -> task.fail(failure));
            uncommitted.clear();
            uncommittedWrites = 0;
            reopen();
            return;
        }
        commits.incrementAndGet();
        lastCommitNanos = System.nanoTime();
        commitNanos.addAndGet(lastCommitNanos - started);
        sizeBytes = tables.fileSize();
        uncommittedWrites = 0;
        uncommitted.forEach(Task::succeed);
        uncommitted.clear();
    }

    private void reopen() {
        if (tables != null) {
            closeQuietly(tables);
            tables = null;
        }
        try {
            tables = StoreOpener.open(settings);
            usage = tables.usage;
            sizeBytes = tables.fileSize();
        } catch (StoreUnavailableException e) {
            LOG.error("MapDB store could not be reopened; writes fail until it can be: {}", e.getMessage());
        }
    }

    private static StoreWriteException writeFailure(RuntimeException cause) {
        return cause instanceof StoreWriteException known
                ? known
                : new StoreWriteException(
                        "the message store could not be written: " + Causes.rootMessage(cause), cause);
    }

    private void closeStore() {
        if (tables != null) {
            markCleanStop();
            closeQuietly(tables);
        }
        IllegalStateException closedFailure = new IllegalStateException("the MapDB store is closed");
        for (Task<?> task = queue.poll(); task != null; task = queue.poll()) {
            task.fail(closedFailure);
        }
    }

    /** The last commit: says that the store was closed cleanly, so that the next start need not read it whole. */
    private void markCleanStop() {
        try {
            tables.markCleanStop();
            tables.usage.persist();
            tables.db.commit();
        } catch (RuntimeException e) {
            LOG.error(
                    "MapDB store could not be marked as closed cleanly; the next start verifies it in full: {}",
                    Causes.rootMessage(e));
        }
    }

    private static void closeQuietly(StoreTables store) {
        try {
            store.db.close();
        } catch (RuntimeException e) {
            LOG.error("Closing the MapDB store failed: {}", Causes.rootMessage(e));
        }
    }
}
