package io.starling.session;

import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueuedMessage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of a persistent session's queue that only the store holds (a store that
 * {@link MessageQueueStore#keepsQueues keeps queues}): a stored message routed to the session
 * while others wait before it is not kept in memory, and is read back from the store, a page at
 * a time, oldest first, when the client can take more. Confined to its session's executor.
 */
final class StoredBacklog {

    private static final Logger LOG = LoggerFactory.getLogger(StoredBacklog.class);

    private final String clientId;
    private final MessageQueueStore store;
    private final Executor sessionThread;
    /** Whether the store may hold messages of this client that are neither in memory nor in flight. */
    private boolean pending;

    private boolean reading;
    /** The message id read up to. */
    private long readUpTo = Long.MIN_VALUE;
    /**
     * The lowest message id added since the last read began: ids are not appended in order
     * (two publishers take theirs before either appends), so the next read starts below it.
     */
    private long lowestAdded = Long.MAX_VALUE;
    /**
     * Messages added since the last read began: a read that found the end of the stored queue
     * has not seen them all when this is not 0 (their appends may have come after it).
     */
    private long addedSinceRead;
    /** Messages waiting in the store, as counted since the backlog was last empty (push-back); not known after a restart. */
    private long count;
    /** Changed by {@link #clear}: a page read before belongs to the discarded queue. */
    private int generation;
    /**
     * Messages removed from the store (acknowledged, dropped) while a read was under way: the
     * read may have seen them before their removal, and sending them again would repeat them.
     * At most what the session held in memory during one read.
     */
    private final Set<Long> removedDuringRead = new HashSet<>();

    StoredBacklog(String clientId, MessageQueueStore store, Executor sessionThread) {
        this.clientId = clientId;
        this.store = store;
        this.sessionThread = sessionThread;
    }

    boolean isEmpty() {
        return !pending;
    }

    long count() {
        return count;
    }

    /** A message was appended to the client's stored queue and left there. */
    void add(long messageId) {
        pending = true;
        lowestAdded = Math.min(lowestAdded, messageId);
        addedSinceRead++;
        count++;
    }

    /** The session removed the message from the store (the caller did). */
    void removed(long messageId) {
        if (reading) {
            removedDuringRead.add(messageId);
        }
    }

    /** The session was restored at start: what the store holds of it is read when the client is back. */
    void restored() {
        pending = true;
        readUpTo = Long.MIN_VALUE;
    }

    /**
     * Reads up to {@code max} more messages unless the backlog is empty or a read is under way;
     * {@code onPage} gets them on the session's thread. A page may repeat messages taken before
     * (a read starts below a message added late); the caller skips those it holds. A failed
     * read is logged and tried again at the next call.
     */
    void readNext(int max, Consumer<List<QueuedMessage>> onPage) {
        if (!pending || reading) {
            return;
        }
        reading = true;
        addedSinceRead = 0;
        long after = lowestAdded == Long.MAX_VALUE ? readUpTo : Math.min(readUpTo, lowestAdded - 1);
        lowestAdded = Long.MAX_VALUE;
        int readFor = generation;
        store.read(clientId, after, max)
                .whenComplete((page, failure) -> sessionThread.execute(() -> {
                    if (readFor != generation) {
                        return;
                    }
                    reading = false;
                    if (failure != null) {
                        removedDuringRead.clear();
                        LOG.error(
                                "Could not read the stored queue of {}; tried again at its next message or acknowledgement: {}",
                                clientId,
                                failure.toString());
                        return;
                    }
                    readUpTo = page.last();
                    count = Math.max(0, count - page.messages().size());
                    if (page.complete() && addedSinceRead == 0) {
                        pending = false;
                        count = 0;
                    }
                    List<QueuedMessage> messages = removedDuringRead.isEmpty()
                            ? page.messages()
                            : page.messages().stream()
                                    .filter(m -> !removedDuringRead.contains(
                                            m.message().id()))
                                    .toList();
                    removedDuringRead.clear();
                    onPage.accept(messages);
                }));
    }

    /** The queue was discarded (the store is cleared by the caller). */
    void clear() {
        pending = false;
        lowestAdded = Long.MAX_VALUE;
        reading = false;
        count = 0;
        removedDuringRead.clear();
        generation++;
    }
}
