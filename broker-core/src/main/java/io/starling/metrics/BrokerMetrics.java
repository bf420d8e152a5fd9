package io.starling.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broker's counters and gauges, updated on the hot paths without locks (LongAdder) and
 * read by the $SYS publisher and the Prometheus endpoint.
 */
public final class BrokerMetrics {

    private final long startMillis = System.currentTimeMillis();
    private final LongAdder connected = new LongAdder();
    private final LongAdder connectionsTotal = new LongAdder();
    private final LongAdder connectionsRefusedByRate = new LongAdder();
    private final LongAdder[] received = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder[] sent = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder[] dropped = {new LongAdder(), new LongAdder(), new LongAdder()};
    private final LongAdder queued = new LongAdder();
    /** Messages not stored for a client because the store's limit of that client's queue, or of all queues, was reached. */
    private final LongAdder clientLimitDrops = new LongAdder();

    private final LongAdder totalLimitDrops = new LongAdder();
    /** MQTT 5 publishes answered 0x97: no subscriber could store them. */
    private final LongAdder quotaExceeded = new LongAdder();
    /** An AtomicLong, not a LongAdder: every enqueue compares it with the broker-wide budget. */
    private final AtomicLong queuedBytes = new AtomicLong();

    private final LongAdder publishersPaused = new LongAdder();
    private final LongAdder slowConsumersDisconnected = new LongAdder();
    private final LongAdder subscriptions = new LongAdder();
    private final LongAdder badCredentials = new LongAdder();
    private final LongAdder notAuthorized = new LongAdder();
    private final LongAdder loginsHeldBack = new LongAdder();
    private final TopicTreeRates topicTrees = new TopicTreeRates(System::nanoTime);

    public void clientConnected() {
        connected.increment();
        connectionsTotal.increment();
    }

    /** A new connection was closed at once: its listener's connection rate limit was exceeded. */
    public void connectionRateLimited() {
        connectionsRefusedByRate.increment();
    }

    public long connectionsRateLimited() {
        return connectionsRefusedByRate.sum();
    }

    public void clientDisconnected() {
        connected.decrement();
    }

    public void messageReceived(int qos) {
        received[qos].increment();
    }

    /** Messages published per topic tree, counted while the admin API watches them. */
    public TopicTreeRates topicTrees() {
        return topicTrees;
    }

    public void messageSent(int qos) {
        sent[qos].increment();
    }

    public void bytesReceived(long bytes) {
        bytesReceived.add(bytes);
    }

    public void bytesSent(long bytes) {
        bytesSent.add(bytes);
    }

    public void messageDropped(int qos) {
        dropped[qos].increment();
    }

    /** A message was not stored for a client at a store limit: {@code client} (its queue) or {@code total} (all queues). */
    public void queueLimitDrop(String limit) {
        ("client".equals(limit) ? clientLimitDrops : totalLimitDrops).increment();
    }

    public long queueLimitDrops(String limit) {
        return ("client".equals(limit) ? clientLimitDrops : totalLimitDrops).sum();
    }

    /** An MQTT 5 publisher's QoS 1/2 message was refused with 0x97 (Quota exceeded): no subscriber could store it. */
    public void quotaExceededRefusal() {
        quotaExceeded.increment();
    }

    public long quotaExceededRefusals() {
        return quotaExceeded.sum();
    }

    /** A message entered (+1) or left (-1) a client's queue. */
    public void queued(int delta) {
        queued.add(delta);
    }

    /** Payload bytes entered (positive) or left (negative) the client queues. */
    public void queuedBytes(long delta) {
        queuedBytes.addAndGet(delta);
    }

    /** A publisher's socket stopped being read because a queue it feeds is full (push-back). */
    public void publisherPaused() {
        publishersPaused.increment();
    }

    /** A client was disconnected because its full queue held publishers back too long. */
    public void slowConsumerDisconnected() {
        slowConsumersDisconnected.increment();
    }

    /** A subscription was added (+1) or removed (-1). */
    public void subscriptions(int delta) {
        subscriptions.add(delta);
    }

    public void authRefused(boolean badCredentialsReason) {
        (badCredentialsReason ? badCredentials : notAuthorized).increment();
    }

    /** A CONNECT was refused or delayed without asking the auth plugins: too many failures of its address or user. */
    public void loginHeldBack() {
        loginsHeldBack.increment();
    }

    public long loginsHeldBack() {
        return loginsHeldBack.sum();
    }

    public long uptimeSeconds() {
        return (System.currentTimeMillis() - startMillis) / 1000;
    }

    public long connected() {
        return connected.sum();
    }

    public long connectionsTotal() {
        return connectionsTotal.sum();
    }

    public long received(int qos) {
        return received[qos].sum();
    }

    public long sent(int qos) {
        return sent[qos].sum();
    }

    public long receivedTotal() {
        return received(0) + received(1) + received(2);
    }

    public long sentTotal() {
        return sent(0) + sent(1) + sent(2);
    }

    public long bytesReceived() {
        return bytesReceived.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public long dropped() {
        return dropped(0) + dropped(1) + dropped(2);
    }

    public long dropped(int qos) {
        return dropped[qos].sum();
    }

    public long queuedBytes() {
        return queuedBytes.get();
    }

    public long publishersPaused() {
        return publishersPaused.sum();
    }

    public long slowConsumersDisconnected() {
        return slowConsumersDisconnected.sum();
    }

    public long queued() {
        return queued.sum();
    }

    public long subscriptions() {
        return subscriptions.sum();
    }

    public long authBadCredentials() {
        return badCredentials.sum();
    }

    public long authNotAuthorized() {
        return notAuthorized.sum();
    }
}
