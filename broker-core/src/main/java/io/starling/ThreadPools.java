package io.starling;

import io.starling.concurrent.DaemonThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
        return Executors.newFixedThreadPool(threads, DaemonThreads.numbered(name));
    }
}
