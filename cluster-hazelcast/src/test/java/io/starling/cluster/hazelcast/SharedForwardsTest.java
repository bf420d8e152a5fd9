package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.starling.spi.SharedForwarding;
import io.starling.spi.StoredMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class SharedForwardsTest {

    private static final String GROUP = "$share/g/t";
    private static final StoredMessage QOS1 = new StoredMessage(11, "t", 1, false, new byte[] {1}, 0);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Channel toB = mock(Channel.class);
    private final Map<String, Channel> channels = new HashMap<>(Map.of("b", toB));
    private final SharedForwards forwards = new SharedForwards(channels, timer);

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @SuppressWarnings("unchecked")
    private CompletableFuture<Void> sentAck() {
        ArgumentCaptor<CompletableFuture<Void>> ack = ArgumentCaptor.forClass(CompletableFuture.class);
        verify(toB).send(any(ClusterMessage.SharedForward.class), ack.capture(), eq(false));
        return ack.getValue();
    }

    @Test
    void aMessageIsAcceptedWhenStoredThereAndDoneWhenTheGroupThereIsDone() {
        SharedForwarding forwarding = forwards.send("b", GROUP, "pub", QOS1);
        assertFalse(forwarding.accepted().isDone());
        sentAck().complete(null);
        assertTrue(forwarding.accepted().isDone());
        assertFalse(forwarding.done().toCompletableFuture().isDone(), "stored there, not done with yet");
        forwards.doneThere("b", GROUP, QOS1.id());
        assertTrue(forwarding.done().toCompletableFuture().join());
    }

    @Test
    void whatANodeThatLeftWasNotDoneWithGoesBackToTheSender() {
        SharedForwarding forwarding = forwards.send("b", GROUP, null, QOS1);
        sentAck().complete(null);
        forwards.nodeLost("b");
        assertFalse(forwarding.done().toCompletableFuture().join());
        forwards.doneThere("b", GROUP, QOS1.id());
        assertFalse(forwarding.done().toCompletableFuture().join(), "handed back once");
    }

    @Test
    void aMessageTheNodeDidNotAcknowledgeGoesBackToTheSender() throws Exception {
        SharedForwarding forwarding = forwards.send("b", GROUP, null, QOS1);
        sentAck().completeExceptionally(new IllegalStateException("request timeout"));
        assertFalse(forwarding.done().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertFalse(forwarding.accepted().isDone(), "the sender completes it once the message is placed again");
    }

    @Test
    void aMessageForANodeWithoutChannelGoesBackToTheSender() throws Exception {
        SharedForwarding forwarding = forwards.send("gone", GROUP, null, QOS1);
        assertFalse(forwarding.done().toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    @Test
    void qos0IsDoneWhenSent() {
        StoredMessage qos0 = new StoredMessage(12, "t", 0, false, new byte[] {1}, 0);
        SharedForwarding forwarding = forwards.send("b", GROUP, null, qos0);
        verify(toB).send(any(ClusterMessage.SharedForward.class), isNull(), anyBoolean());
        assertTrue(forwarding.accepted().isDone());
        assertTrue(forwarding.done().toCompletableFuture().join());
    }

    @Test
    void theNodeAMessageCameFromIsToldOnceWhenTheGroupHereIsDone() {
        forwards.received("b", GROUP, QOS1);
        assertFalse(forwards.doneHere(GROUP, 99), "a message of this node's own");
        assertTrue(forwards.doneHere(GROUP, QOS1.id()));
        assertFalse(forwards.doneHere(GROUP, QOS1.id()), "told once");
        ArgumentCaptor<ClusterMessage> told = ArgumentCaptor.forClass(ClusterMessage.class);
        verify(toB).send(told.capture(), isNull(), eq(true));
        assertEquals(new ClusterMessage.SharedDone(GROUP, QOS1.id()), told.getValue());
    }

    @Test
    void aQos0MessageReceivedIsNotRemembered() {
        forwards.received("b", GROUP, new StoredMessage(13, "t", 0, false, new byte[0], 0));
        assertFalse(forwards.doneHere(GROUP, 13));
        verify(toB, never()).send(any(), any(), anyBoolean());
    }
}
