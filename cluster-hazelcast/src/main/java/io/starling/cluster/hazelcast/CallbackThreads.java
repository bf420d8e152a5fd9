package io.starling.cluster.hazelcast;

import com.hazelcast.internal.util.ConcurrencyUtil;
import io.starling.concurrent.DaemonThreads;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;

/**
 * The threads that run what the broker chains onto Hazelcast's answers (a claim's outcome, a
 * stored session record, a will, an inbound QoS 2 id).
 *
 * <p>Hazelcast runs those callbacks on the JDK's common pool, unless the pool's parallelism is
 * 1, as it is on a machine or container with two cores or fewer: then it starts a new thread for
 * every callback. A reconnect storm or a stream of QoS 2 messages then pays a thread start per
 * Hazelcast call (seen in jstack as Hazelcast threads in {@code Thread.start0}). There, the
 * callbacks get a cached pool instead: the same semantics (a callback that blocks holds up no
 * other), without starting a thread while an idle one waits.
 *
 * <p>This is Hazelcast's process-wide setting (an internal class, the only way to set it): the
 * pool is made once per JVM and is never shut down (daemon threads that end after a minute idle).
 */
final class CallbackThreads {

    private static final Object LOCK = new Object();

    /** Guarded by {@link #LOCK}; null until a node needs it. */
    private static ExecutorService pool;

    private CallbackThreads() {}

    /** Before the first Hazelcast instance starts; the second and later calls do nothing. */
    static void install() {
        if (ForkJoinPool.getCommonPoolParallelism() > 1) {
            return;
        }
        synchronized (LOCK) {
            if (pool == null) {
                pool = Executors.newCachedThreadPool(DaemonThreads.numbered("starling-hazelcast-callback"));
                ConcurrencyUtil.setDefaultAsyncExecutor(pool);
            }
        }
    }
}
