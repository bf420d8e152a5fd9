package io.starling.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for the broker's background threads (writers, timers, pools). Daemon
 * threads: a plugin or store stuck in a call never keeps the JVM from exiting; the broker
 * stops them itself on the way out.
 */
public final class DaemonThreads {

    private DaemonThreads() {}

    /** Every thread it makes is called {@code name} (for a single-thread executor). */
    public static ThreadFactory named(String name) {
        return runnable -> daemon(runnable, name);
    }

    /** Its threads are called {@code name-1}, {@code name-2}, ... (for a pool). */
    public static ThreadFactory numbered(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> daemon(runnable, name + "-" + count.incrementAndGet());
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
