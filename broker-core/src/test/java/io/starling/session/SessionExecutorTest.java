package io.starling.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session executor: submission order per submitting thread, one task at a time, on the bound loop. */
class SessionExecutorTest {

    private static final int PRODUCERS = 4;
    private static final int TASKS_EACH = 20_000;

    private final EventExecutor loop = new DefaultEventExecutor();
    private final EventExecutor otherLoop = new DefaultEventExecutor();

    @AfterEach
    void stopLoops() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        otherLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void runsEveryTaskOnceInEachSubmittersOrderOneAtATimeOnTheLoop() throws Exception {
        AtomicInteger batches = new AtomicInteger();
        SessionExecutor executor = new SessionExecutor(loop, batches::incrementAndGet);
        List<List<Integer>> seen = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            seen.add(new ArrayList<>());
        }
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicInteger offLoop = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(PRODUCERS * TASKS_EACH);
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < TASKS_EACH; i++) {
                    int sequence = i;
                    executor.execute(() -> {
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        if (!loop.inEventLoop()) {
                            offLoop.incrementAndGet();
                        }
                        // Unsynchronised on purpose: the executor runs one task at a time.
                        seen.get(producer).add(sequence);
                        running.decrementAndGet();
                        done.countDown();
                    });
                }
            });
            producers.add(thread);
            thread.start();
        }
        for (Thread thread : producers) {
            thread.join();
        }
        assertTrue(done.await(30, TimeUnit.SECONDS), "every task ran");
        CountDownLatch visible = new CountDownLatch(1);
        executor.execute(visible::countDown);
        assertTrue(visible.await(5, TimeUnit.SECONDS));
        for (int p = 0; p < PRODUCERS; p++) {
            List<Integer> order = seen.get(p);
            assertEquals(TASKS_EACH, order.size(), "tasks of producer " + p);
            for (int i = 0; i < TASKS_EACH; i++) {
                assertEquals(i, order.get(i), "order of producer " + p);
            }
        }
        assertEquals(1, maxRunning.get(), "tasks running at the same time");
        assertEquals(0, offLoop.get(), "tasks run off the loop");
        assertTrue(batches.get() >= PRODUCERS * TASKS_EACH / 256, "a flush after every batch of at most 256");
    }

    @Test
    void aTaskSubmittedByATaskRunsAfterTheTasksSubmittedBeforeIt() throws Exception {
        SessionExecutor executor = new SessionExecutor(loop, () -> {});
        List<String> order = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        // The loop waits until both tasks are submitted, so they are in the same batch.
        loop.execute(() -> await(gate));
        executor.execute(() -> {
            order.add("first");
            executor.execute(() -> {
                order.add("third");
                done.countDown();
            });
        });
        executor.execute(() -> order.add("second"));
        gate.countDown();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("first", "second", "third"), order);
    }

    @Test
    void tasksThatAreTheirOwnNodesRunInSubmissionOrderWithWrappedOnes() throws Exception {
        SessionExecutor executor = new SessionExecutor(loop, () -> {});
        List<String> order = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        // One batch: the loop waits until every task is submitted.
        loop.execute(() -> await(gate));
        for (int i = 0; i < 3; i++) {
            int sequence = i;
            executor.submit(new SessionExecutor.Task() {
                @Override
                public void run() {
                    order.add("own " + sequence);
                }
            });
            executor.execute(() -> order.add("wrapped " + sequence));
        }
        executor.execute(done::countDown);
        gate.countDown();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("own 0", "wrapped 0", "own 1", "wrapped 1", "own 2", "wrapped 2"), order);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(5, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void batchesAfterBindToRunOnTheNewLoop() throws Exception {
        SessionExecutor executor = new SessionExecutor(loop, () -> {});
        CountDownLatch done = new CountDownLatch(1);
        List<Boolean> onNewLoop = new ArrayList<>();
        executor.execute(() -> executor.bindTo(otherLoop));
        for (int i = 0; i < 1_000; i++) {
            executor.execute(() -> onNewLoop.add(otherLoop.inEventLoop()));
        }
        executor.execute(done::countDown);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(1_000, onNewLoop.size());
        assertTrue(onNewLoop.stream().allMatch(Boolean::booleanValue), "every later task ran on the new loop");
    }
}
