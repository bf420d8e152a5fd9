package io.starling.spi;

/** The three stores of one storage back end, opened together, and what it reports for monitoring. */
public record Storage(
        SessionStore sessions, MessageQueueStore queues, RetainedStore retained, StoreStatistics statistics)
        implements AutoCloseable {

    /** Stores with nothing to report (in memory). */
    public Storage(SessionStore sessions, MessageQueueStore queues, RetainedStore retained) {
        this(sessions, queues, retained, StoreStatistics.NONE);
    }

    @Override
    public void close() {
        queues.close();
        retained.close();
        sessions.close();
    }
}
