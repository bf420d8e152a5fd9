package io.starling.session;

import io.starling.metrics.BrokerMetrics;
import io.starling.metrics.ThrottledLog;
import io.starling.spi.QueueRefusal;
import java.time.Duration;
import org.slf4j.LoggerFactory;

/** Counts dropped messages and logs them at most once per 10 s, with the count since. */
public final class DropLog {

    private final BrokerMetrics metrics;
    private final ThrottledLog log =
            new ThrottledLog(LoggerFactory.getLogger("io.starling.drops"), Duration.ofSeconds(10));
    private final ThrottledLog refusals =
            new ThrottledLog(LoggerFactory.getLogger("io.starling.drops"), Duration.ofSeconds(10));

    public DropLog(BrokerMetrics metrics) {
        this.metrics = metrics;
    }

    /** The store refused to queue the message for the client (a limit of its queue, or of all queues): dropped for it. */
    public void notStored(String clientId, int qos, QueueRefusal refusal) {
        metrics.queueLimitDrop(refusal.limit());
        dropped(clientId, qos, "not stored: " + refusal.reason() + ", new message dropped");
    }

    /**
     * An MQTT 5 publisher's message was refused with 0x97 (Quota exceeded): every subscriber it
     * matched was at a store limit, {@code clientId} among them. Not a drop: the publisher knows.
     */
    public void quotaExceeded(String clientId, QueueRefusal refusal) {
        metrics.quotaExceededRefusal();
        refusals.event(
                "Refused {} message(s) with Quota exceeded (0x97) since the last report; every subscriber was at"
                        + " a store limit, latest client {}: {}.",
                clientId,
                refusal.reason());
    }

    /**
     * An MQTT 5 publisher's message was refused with 0x97 after the other nodes it went to
     * answered that every subscriber they had for it was at a store limit (they dropped and
     * counted it for those; none here took it either).
     */
    public void quotaExceededOnOtherNodes(String topic) {
        metrics.quotaExceededRefusal();
        refusals.event(
                "Refused {} message(s) with Quota exceeded (0x97) since the last report; every subscriber was at"
                        + " a store limit on the nodes the message went to, latest topic '{}'.",
                topic);
    }

    public void dropped(String clientId, int qos, String reason) {
        metrics.messageDropped(qos);
        log.event("Dropped {} message(s) since the last report; latest for client {}: {}.", clientId, reason);
    }
}
