package io.starling.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdict on a shared subscription group: each acknowledged message at exactly one member. */
class DeliveryCheckTest {

    private final Progress progress = new Progress(2, 1);
    private final Latency latency = new Latency();
    private final List<Published> publishers =
            List.of(Published.allAcknowledged(0, 3), Published.allAcknowledged(1, 3));

    private static void deliver(Subscriber member, int publisher, int seq) {
        ByteBuf payload =
                Payloads.write(UnpooledByteBufAllocator.DEFAULT, Payloads.HEADER, System.nanoTime(), publisher, seq);
        try {
            member.onMessage(payload);
        } finally {
            payload.release();
        }
    }

    @Test
    void aGroupThatGotEveryMessageOncePasses() {
        Subscriber first = new Subscriber(2, progress, latency);
        Subscriber second = new Subscriber(2, progress, latency);
        deliver(first, 0, 0);
        deliver(second, 0, 1);
        deliver(first, 0, 2);
        deliver(second, 1, 0);
        deliver(second, 1, 1);
        deliver(first, 1, 2);

        DeliveryCheck check = DeliveryCheck.ofGroup(2, publishers, List.of(first, second));

        assertTrue(check.failures().isEmpty(), check.failures()::toString);
        assertEquals(6, check.expected());
        assertEquals(6, check.delivered());
    }

    @Test
    void aMessageAtTwoMembersIsADuplicateAndOneAtNoneIsMissing() {
        Subscriber first = new Subscriber(2, progress, latency);
        Subscriber second = new Subscriber(2, progress, latency);
        deliver(first, 0, 0);
        deliver(second, 0, 0);
        deliver(first, 0, 1);
        deliver(first, 0, 2);
        deliver(second, 1, 0);
        deliver(second, 1, 2);

        DeliveryCheck check = DeliveryCheck.ofGroup(2, publishers, List.of(first, second));

        assertEquals(1, check.duplicates(), "p0-0 at both members");
        assertEquals(1, check.missing(), "p1-1 at neither");
        assertEquals(
                List.of("1 acknowledged message copies never delivered", "1 QoS 2 messages delivered twice"),
                check.failures());
    }
}
