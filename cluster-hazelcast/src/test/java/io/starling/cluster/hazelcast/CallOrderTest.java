package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link CallOrder}: answers that come in another order complete their callers in call order. */
class CallOrderTest {

    @Test
    void laterAnswersWaitForEarlierOnesAndEachCallerRunsBeforeTheNext() {
        CallOrder order = new CallOrder(Runnable::run);
        List<CompletableFuture<Void>> calls =
                List.of(new CompletableFuture<>(), new CompletableFuture<>(), new CompletableFuture<>());
        List<String> acknowledged = new ArrayList<>();
        for (int i = 0; i < calls.size(); i++) {
            int call = i;
            order.after(calls.get(i))
                    .whenComplete((ignored, failure) -> acknowledged.add(call + (failure == null ? "" : " failed")));
        }
        calls.get(2).complete(null);
        calls.get(1).completeExceptionally(new IllegalStateException("refused"));
        assertTrue(acknowledged.isEmpty(), "nothing before the first call answered: " + acknowledged);

        calls.get(0).complete(null);

        assertEquals(List.of("0", "1 failed", "2"), acknowledged);
    }
}
