package io.starling;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The broker's pools for CPU-bound work kept off the network threads: authentication, TLS handshakes. */
final class ThreadPools {

    private ThreadPools() {}

    /**
     * A fixed pool with tasks waiting in arrival order: as many threads as cores keep every core
     * busy in a connect storm without hundreds of threads competing for them (an unbounded pool
     * would start one per waiting CONNECT). Daemon threads: a plugin stuck in a call never keeps
     * the JVM from exiting.
     */
    static ExecutorService fixed(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
