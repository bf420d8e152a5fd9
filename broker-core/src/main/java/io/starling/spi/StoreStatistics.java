package io.starling.spi;

/**
 * Figures a storage back end reports for monitoring (Prometheus {@code /metrics}). Read from
 * any thread; values may lag the store by one commit.
 */
public interface StoreStatistics {

    /** A store that keeps nothing on disk and never commits. */
    StoreStatistics NONE = new StoreStatistics() {
        @Override
        public long sizeBytes() {
            return 0;
        }

        @Override
        public long commits() {
            return 0;
        }

        @Override
        public long commitNanos() {
            return 0;
        }
    };

    /** Bytes the store occupies on disk. */
    long sizeBytes();

    /** Bytes the stored queues are charged against the store's limits (0 for a store without). */
    default long queuedBytes() {
        return 0;
    }

    /**
     * Queued copies of messages whose Message Expiry passed that the store removed before their
     * turn to be sent came (0 for a store that does not).
     */
    default long expiredMessagesRemoved() {
        return 0;
    }

    /** Commits since the store was opened. */
    long commits();

    /** Time spent in those commits (write and fsync), in nanoseconds. */
    long commitNanos();
}
