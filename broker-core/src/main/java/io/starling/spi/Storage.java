package io.starling.spi;

/** The three stores of one storage back end, opened together. */
public record Storage(SessionStore sessions, MessageQueueStore queues, RetainedStore retained) implements AutoCloseable {

    @Override
    public void close() {
        queues.close();
        retained.close();
        sessions.close();
    }
}
