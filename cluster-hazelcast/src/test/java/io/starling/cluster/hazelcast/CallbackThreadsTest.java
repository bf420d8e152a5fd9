package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.spi.impl.InternalCompletableFuture;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link CallbackThreads}: what the broker chains onto a Hazelcast future runs on pooled threads. */
class CallbackThreadsTest {

    @Test
    void aCallbackOnAHazelcastFutureRunsOnAPooledThread() throws Exception {
        CallbackThreads.install();
        InternalCompletableFuture<String> answer = new InternalCompletableFuture<>();
        CompletableFuture<String> ranOn = new CompletableFuture<>();
        answer.thenRun(() -> ranOn.complete(Thread.currentThread().getName()));

        answer.complete("answer");

        String thread = ranOn.get(10, TimeUnit.SECONDS);
        if (ForkJoinPool.getCommonPoolParallelism() > 1) {
            assertTrue(thread.startsWith("ForkJoinPool.commonPool"), "Hazelcast's default, the common pool: " + thread);
        } else {
            assertTrue(
                    thread.startsWith("starling-hazelcast-callback-"),
                    "with a serial common pool Hazelcast starts a thread per callback: " + thread);
        }
    }
}
