package io.starling.session;

import io.starling.concurrent.Stages;
import io.starling.config.BrokerConfig.QueueFullPolicy;
import io.starling.metrics.BrokerMetrics;
import io.starling.metrics.ThrottledLog;
import io.starling.session.OutboundQueue.Pending;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueueRefusal;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionContinuedElsewhereException;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The messages on their way to one client: those in flight (sent, not yet acknowledged:
 * {@link InFlightWindow}), and those queued behind the in-flight window or while the client
 * is offline ({@link OutboundQueue}), under the client's limits and the queue-full policy.
 * With a store that keeps the queues ({@link Limits#storeIsQueue}), the stored messages that
 * wait are left in the store ({@link StoredBacklog}) and memory holds only the next page of
 * them. Confined to its session's executor.
 */
final class Outbound {

    private static final Logger LOG = LoggerFactory.getLogger(Outbound.class);
    /** A store that cannot keep up fails many in a row: one line per interval, not one per message. */
    private static final ThrottledLog UNRECORDED_SENDS = new ThrottledLog(LOG, Duration.ofSeconds(10));

    private final String clientId;
    private final Limits limits;
    private final MessageQueueStore store;
    private final DropLog drops;
    private final BrokerMetrics metrics;
    private final PushBack pushBack;
    /** Null unless the store is the queue. */
    private final StoredBacklog backlog;

    private final Supplier<ClientLink> link;
    private final Executor sessionThread;
    /**
     * Messages put in flight whose PUBLISH waits, in send order: a QoS 2 message until the store
     * has its packet id ({@link MessageQueueStore#publishWaitsForMarkSent}), and whatever was
     * sent after one (order). Null while none waits.
     */
    private ArrayDeque<AwaitedSend> awaited;
    /**
     * Both the shared empty ones until this client has a message in flight or queued: an idle
     * or publish-only client never has, and its own would cost about 140 bytes.
     */
    private InFlightWindow inFlight = InFlightWindow.EMPTY;

    private OutboundQueue queue = OutboundQueue.EMPTY;
    /** The queue's size and payload bytes as routing threads read them ({@link #refusalOfNew}); written here only. */
    private volatile int queuedMirror;

    private volatile long queuedBytesMirror;
    private final PacketIds packetIds;

    /**
     * The bounds this class enforces. {@code maxQueuedBytes} bounds the payload bytes of this
     * client's queue, {@code maxQueuedBytesTotal} those of all clients' queues together; 0
     * means no byte limit. {@code pushBackTimeout} is enforced by the {@link Session}.
     * {@code storeIsQueue}: stored messages wait in the store, not in memory, and the limits of
     * the store bound them instead of {@code maxQueued} and the byte limits (which still bound
     * what is held in memory, and, for an online client, when push-back starts).
     */
    record Limits(
            int maxInflight,
            int maxQueued,
            long maxQueuedBytes,
            long maxQueuedBytesTotal,
            QueueFullPolicy policy,
            Duration pushBackTimeout,
            boolean queueQos0,
            boolean storeIsQueue) {}

    /**
     * @param sessionThread runs a task on the session's executor
     * @param link          the session's connection now, or null
     */
    Outbound(
            String clientId,
            Limits limits,
            MessageQueueStore store,
            DropLog drops,
            BrokerMetrics metrics,
            PushBack pushBack,
            PacketIds packetIds,
            Executor sessionThread,
            Supplier<ClientLink> link) {
        this.clientId = clientId;
        this.packetIds = packetIds;
        this.limits = limits;
        this.store = store;
        this.drops = drops;
        this.metrics = metrics;
        this.pushBack = pushBack;
        this.backlog = limits.storeIsQueue() ? new StoredBacklog(clientId, store, sessionThread) : null;
        this.link = link;
        this.sessionThread = sessionThread;
    }

    /** A PUBLISH that goes out once {@code ready} completes and those before it went. */
    private record AwaitedSend(int packetId, InFlightWindow.Entry entry, CompletionStage<Void> ready) {}

    /**
     * Sends the message now if the client is online and nothing is queued before it, and the
     * window has room (QoS 1/2) or the socket takes more (QoS 0); otherwise queues it. QoS 0
     * for an offline client is queued only when configured; QoS 0 never pushes back: a full
     * queue drops it (nothing was acknowledged for it).
     *
     * @param stored   whether the message was appended to the client's stored queue
     * @param pausable whether the message comes from a publisher of this node that stops
     *     reading when it sees {@link PushBack#isFull()} (not a will, $SYS or another node)
     */
    void deliver(
            ClientLink link, StoredMessage message, int qos, boolean persistent, boolean stored, boolean pausable) {
        if (qos == 0) {
            if (link != null && queue.isEmpty() && link.isWritable()) {
                if (!dropUndeliverable(link, message, 0, false)) {
                    link.sendPublish(message, 0, 0, false);
                }
            } else if (link != null || (persistent && limits.queueQos0())) {
                // Online: a burst waits behind a full socket, bounded by the queue's limits, in order.
                enqueue(message, 0, false);
            }
            return;
        }
        if (stored && backlog != null) {
            deliverStored(link, message, qos, pausable);
        } else if (link != null && queue.isEmpty() && hasRoom()) {
            send(link, message, qos, stored);
        } else if (link != null && pausable && limits.policy() == QueueFullPolicy.PUSH_BACK) {
            pushBack(message, qos, stored);
        } else {
            enqueue(message, qos, stored);
        }
    }

    /**
     * The store is the queue: the message is sent now if nothing waits before it, else left in
     * the store. An online client that has more than {@code maxQueued} waiting pushes back on
     * its publishers (only for its connection's sake: the store holds the messages); an offline
     * one's queue is bounded by the store's limits alone, checked before the message was stored.
     */
    private void deliverStored(ClientLink link, StoredMessage message, int qos, boolean pausable) {
        if (link != null && backlog.isEmpty() && queue.isEmpty() && hasRoom()) {
            send(link, message, qos, true);
            return;
        }
        backlog.add(message.id());
        if (link != null
                && pausable
                && limits.policy() == QueueFullPolicy.PUSH_BACK
                && queue.size() + backlog.count() >= limits.maxQueued()) {
            pushBack.markFull();
        }
    }

    /**
     * Push-back: the message is queued even past the client's limits, so nothing acknowledged
     * is dropped; at the limits the publishers that feed this client are told to stop reading,
     * which bounds how far past the limits the queue can grow. The budget of all queues is
     * the hard bound: past it even push-back drops the newest (many publishers that each
     * had a read batch in progress could otherwise overshoot without limit).
     */
    private void pushBack(StoredMessage message, int qos, boolean stored) {
        long size = message.payload().length;
        if (overBudget(size)) {
            pushBack.markFull();
            forget(message, stored);
            drops.dropped(clientId, qos, budgetExhausted());
            return;
        }
        addLast(new Pending(message, qos, stored));
        if (queue.atLimits(limits.maxQueued(), limits.maxQueuedBytes()) || overBudget(0)) {
            pushBack.markFull();
        }
    }

    /** Whether {@code size} more payload bytes would take all clients' queues past their budget. */
    private boolean overBudget(long size) {
        return limits.maxQueuedBytesTotal() > 0 && metrics.queuedBytes() + size > limits.maxQueuedBytesTotal();
    }

    /** Queues the message under the drop policies (push-back drops the newest when it cannot push back). */
    private void enqueue(StoredMessage message, int qos, boolean stored) {
        long size = message.payload().length;
        long maxBytes = limits.maxQueuedBytes();
        if (maxBytes > 0 && size > maxBytes) {
            // Could never fit, whatever is dropped: refused under either policy.
            forget(message, stored);
            drops.dropped(
                    clientId,
                    qos,
                    "message of " + size + " bytes larger than the queue (" + maxBytes
                            + " bytes), new message dropped");
            return;
        }
        if (overBudget(size)) {
            // The budget is shared: dropping this client's oldest would not make room for it.
            forget(message, stored);
            drops.dropped(clientId, qos, budgetExhausted());
            return;
        }
        if (limits.policy() == QueueFullPolicy.DROP_OLDEST) {
            while (!queue.isEmpty() && full(size)) {
                String reason = queue.fullReason(size, limits.maxQueued(), limits.maxQueuedBytes());
                Pending oldest = removeFirst();
                forget(oldest.message(), oldest.stored());
                drops.dropped(clientId, oldest.qos(), reason + ", oldest message dropped");
            }
        }
        if (full(size)) {
            forget(message, stored);
            drops.dropped(
                    clientId,
                    qos,
                    queue.fullReason(size, limits.maxQueued(), limits.maxQueuedBytes()) + ", new message dropped");
            return;
        }
        addLast(new Pending(message, qos, stored));
    }

    private String budgetExhausted() {
        return "queues of all clients at max-queued-bytes-total (" + limits.maxQueuedBytesTotal()
                + " bytes), new message dropped";
    }

    /** Whether a message of {@code size} payload bytes does not fit in the queue as it is. */
    private boolean full(long size) {
        return queue.full(size, limits.maxQueued(), limits.maxQueuedBytes());
    }

    private void addLast(Pending pending) {
        queueForUpdate().addLast(pending);
        counted(pending, 1);
    }

    private void addFirst(Pending pending) {
        queueForUpdate().addFirst(pending);
        counted(pending, 1);
    }

    private Pending removeFirst() {
        Pending first = queue.removeFirst();
        counted(first, -1);
        return first;
    }

    /** The queue, made one of this session's at the first message queued, kept from then on. */
    private OutboundQueue queueForUpdate() {
        if (queue == OutboundQueue.EMPTY) {
            queue = new OutboundQueue();
        }
        return queue;
    }

    /** The broker-wide figures of all queues: {@code sign} 1 when the message is queued, -1 when it leaves. */
    private void counted(Pending pending, int sign) {
        long bytes = pending.message().payload().length;
        metrics.queued(sign);
        metrics.queuedBytes(sign * bytes);
        queuedMirror = queue.size();
        queuedBytesMirror = queue.bytes();
    }

    /**
     * Why a QoS 1/2 message delivered now would be dropped as new by the limits in memory
     * ({@link #enqueue}: the client offline, or online under a drop policy with a queue; the
     * budget of all queues whenever something waits), or null: asked by the router before it
     * acknowledges an MQTT 5 publisher, from another thread, so read from copies of the figures.
     * Null when the store is the queue (its own limits decide) and under drop-oldest, which makes
     * room for the new message.
     *
     * @param online   whether the client is connected
     * @param pausable whether the message's publisher can be paused (a client of this node;
     *     others fall back to drop-newest, see {@link #deliver})
     * @param submitted deliveries handed to the session and not yet queued: counted with the
     *     queue (the router acknowledged them already)
     */
    QueueRefusal refusalOfNew(StoredMessage message, boolean online, boolean pausable, int submitted) {
        int queued = queuedMirror + submitted;
        if (backlog != null || online && queued == 0) {
            return null;
        }
        long size = message.payload().length;
        if (overBudget(size)) {
            return new QueueRefusal("total", budgetExhausted());
        }
        if (online && pausable && limits.policy() == QueueFullPolicy.PUSH_BACK) {
            // Taken past the limits: its publisher is paused instead.
            return null;
        }
        long maxBytes = limits.maxQueuedBytes();
        if (maxBytes > 0 && size > maxBytes) {
            return new QueueRefusal("client", "message of " + size + " bytes larger than the queue (" + maxBytes + ")");
        }
        if (limits.policy() == QueueFullPolicy.DROP_OLDEST) {
            return null;
        }
        if (queued >= limits.maxQueued() || maxBytes > 0 && queuedBytesMirror + size > maxBytes) {
            return new QueueRefusal(
                    "client",
                    "queue at max-queued-messages (" + limits.maxQueued() + ") or max-queued-bytes (" + maxBytes
                            + ") with " + queued + " message(s)");
        }
        return null;
    }

    private void forget(StoredMessage message, boolean stored) {
        if (stored) {
            store.remove(clientId, message.id());
            if (backlog != null) {
                backlog.removed(message.id());
            }
        }
    }

    /**
     * Whether a QoS 1/2 message can be sent now: the in-flight window (never above the client's
     * Receive Maximum [MQTT-3.3.4-9]) has room and a packet id is leased.
     */
    private boolean hasRoom() {
        ClientLink current = link.get();
        int window = current == null ? limits.maxInflight() : window(current);
        return inFlight.size() < window && packetIds.available();
    }

    private void send(ClientLink link, StoredMessage message, int qos, boolean stored) {
        if (dropUndeliverable(link, message, qos, stored)) {
            return;
        }
        int packetId = packetIds.next(inFlight::contains);
        if (packetId == 0) {
            // The lease ended while skipping ids in use: it goes first once the lease is renewed.
            addFirst(new Pending(message, qos, stored));
            return;
        }
        InFlightWindow.Entry entry = new InFlightWindow.Entry(message, qos, stored, false);
        inFlightForUpdate().put(packetId, entry);
        CompletionStage<Void> marked = stored ? store.markSent(clientId, message.id(), packetId) : Stages.DONE;
        boolean waits = qos == 2 && stored && store.publishWaitsForMarkSent();
        if (awaited == null && !waits) {
            link.sendPublish(message, qos, packetId, false);
            return;
        }
        if (awaited == null) {
            awaited = new ArrayDeque<>();
        }
        entry.awaitingSend = true;
        CompletionStage<Void> ready = waits ? marked : Stages.DONE;
        awaited.addLast(new AwaitedSend(packetId, entry, ready));
        ready.whenComplete((ignored, failure) -> {
            if (failure != null && !SessionContinuedElsewhereException.isCause(failure)) {
                // The store's own copy is written or not; the client is not kept waiting for the other.
                UNRECORDED_SENDS.event(
                        "{} QoS 2 PUBLISH(es) sent before the store had their packet id (the last: packet id {} to {}: {})",
                        packetId,
                        clientId,
                        failure.toString());
            }
            sessionThread.execute(this::sendAwaited);
        });
    }

    /**
     * Sends the waiting PUBLISHes whose turn came, in order, on the connection of now (or on the
     * next one, by {@link #resend}, if none), unless acknowledged or taken away meanwhile.
     */
    private void sendAwaited() {
        while (awaited != null
                && !awaited.isEmpty()
                && awaited.peekFirst().ready().toCompletableFuture().isDone()) {
            AwaitedSend next = awaited.removeFirst();
            next.entry().awaitingSend = false;
            ClientLink current = link.get();
            if (current == null || !inFlight.isEntry(next.packetId(), next.entry())) {
                continue;
            }
            if (continuedElsewhere(next.ready())) {
                // Sent from here, the node holding the session now would not know its packet id.
                current.closeForTakeover(false);
                continue;
            }
            current.sendPublish(next.entry().message, next.entry().qos, next.packetId(), false);
        }
        if (awaited != null && awaited.isEmpty()) {
            awaited = null;
        }
    }

    /** Whether the store refused the change {@code ready} waited for: another node holds the session. */
    private static boolean continuedElsewhere(CompletionStage<Void> ready) {
        return ready.toCompletableFuture()
                .handle((ignored, failure) -> SessionContinuedElsewhereException.isCause(failure))
                .getNow(false);
    }

    /**
     * Drops, for this client only, a message it must not get: one whose Message Expiry Interval
     * passed before it was sent [MQTT-3.3.2-5], or one above its Maximum Packet Size
     * [MQTT-3.1.2-24]. Counted and logged as a drop; its stored copy is removed.
     *
     * @return whether it was dropped
     */
    private boolean dropUndeliverable(ClientLink link, StoredMessage message, int qos, boolean stored) {
        String reason;
        if (message.properties().hasExpiry() && message.isExpired(System.currentTimeMillis())) {
            reason = "message expired before it was sent";
        } else if (!link.accepts(message, qos)) {
            reason = "message larger than the client's Maximum Packet Size";
        } else {
            return false;
        }
        forget(message, stored);
        drops.dropped(clientId, qos, reason);
        return true;
    }

    /** The in-flight window, made one of this session's at the first message in flight, kept from then on. */
    private InFlightWindow inFlightForUpdate() {
        if (inFlight == InFlightWindow.EMPTY) {
            inFlight = new InFlightWindow();
        }
        return inFlight;
    }

    /**
     * Sends from the queue, oldest first, while the in-flight window has room (QoS 1/2) or the
     * socket takes more (QoS 0: it waits for {@link Session#onWritable} instead).
     */
    void pump(ClientLink link) {
        inFlight.resendHeld(link, window(link));
        while (!queue.isEmpty() && (queue.peekFirst().qos() == 0 ? link.isWritable() : hasRoom())) {
            Pending next = removeFirst();
            if (next.qos() == 0) {
                if (!dropUndeliverable(link, next.message(), 0, next.stored())) {
                    link.sendPublish(next.message(), 0, 0, false);
                    // Sent is done for QoS 0; one stored by a session moved from another node is removed.
                    forget(next.message(), next.stored());
                }
            } else {
                send(link, next.message(), next.qos(), next.stored());
            }
        }
        if (backlog != null) {
            readBacklog();
        }
        // Down to half the limits, not just under them: publishers are not paused again at
        // once. The shared budget is left out: other clients' queues may keep it full.
        if (pushBack.isFull()
                && queue.size() + (backlog == null ? 0 : backlog.count()) <= limits.maxQueued() / 2
                && (limits.maxQueuedBytes() == 0 || queue.bytes() <= limits.maxQueuedBytes() / 2)) {
            pushBack.markRoom();
        }
    }

    /**
     * Reads the next page of the stored queue once memory holds less than half a page: a page
     * is twice the in-flight window, so that the client is not kept waiting for the store.
     * While the budget of all queues is used up, only what fits the window once the memory
     * queue is empty: the client still makes progress, with a bounded share of memory.
     */
    private void readBacklog() {
        int page = 2 * limits.maxInflight();
        if (!overBudget(0) && queue.size() <= page / 2) {
            backlog.readNext(page - queue.size(), this::take);
        } else if (queue.isEmpty()) {
            backlog.readNext(Math.max(1, limits.maxInflight() - inFlight.size()), this::take);
        }
    }

    /**
     * A page of the stored queue, on the session's thread: a message in flight or queued here
     * already is skipped (by message id: the page may have been read before it was sent, or
     * before its packet id was stored); one stored with a packet id this session does not have
     * in flight (sent before a restart) is in flight again and sent again, DUP=1; the rest is
     * queued. Messages removed while the page was read never reach here ({@link StoredBacklog}).
     */
    private void take(List<QueuedMessage> page) {
        ClientLink current = link.get();
        Set<Long> held = heldMessageIds();
        for (QueuedMessage stored : page) {
            if (held.contains(stored.message().id())) {
                continue;
            }
            if (stored.packetId() != 0 && !inFlight.contains(stored.packetId())) {
                InFlightWindow.Entry again =
                        new InFlightWindow.Entry(stored.message(), stored.qos(), true, stored.released());
                inFlightForUpdate().put(stored.packetId(), again);
                if (current != null) {
                    InFlightWindow.resend(current, stored.packetId(), again);
                }
                continue;
            }
            addLast(new Pending(stored.message(), stored.qos(), true));
        }
        if (current != null) {
            pump(current);
        }
    }

    /**
     * A reconnecting client gets every unacknowledged message again, DUP=1, in the original
     * order, as many at once as its Receive Maximum allows.
     */
    void resend(ClientLink link) {
        inFlight.resend(link, window(link));
    }

    /** How many QoS 1/2 messages may be out unacknowledged on the link: the client's Receive Maximum at most. */
    private int window(ClientLink link) {
        return Math.min(limits.maxInflight(), link.receiveMaximum());
    }

    /** PUBACK (QoS 1) or PUBCOMP (QoS 2): the message is done. */
    boolean acknowledged(int packetId, int expectedQos) {
        InFlightWindow.Entry entry = inFlight.acknowledge(packetId, expectedQos);
        if (entry == null) {
            return false;
        }
        forget(entry.message, entry.stored);
        return true;
    }

    /**
     * PUBREC: the client has the QoS 2 message; PUBREL follows once the stage completes, when
     * the store has recorded that it was received. (A PUBREL sent earlier could be followed by a
     * crash that forgets it: the message would be sent again, and a client that hands QoS 2
     * messages over at PUBREL, as Paho does, would have it twice.)
     *
     * @return when PUBREL may be sent, or null for an unknown packet id
     */
    CompletionStage<Void> received(int packetId) {
        InFlightWindow.Entry entry = inFlight.qos2(packetId);
        if (entry == null) {
            return null;
        }
        if (entry.released || !entry.stored) {
            entry.released = true;
            return Stages.DONE;
        }
        entry.released = true;
        return store.markReleased(clientId, entry.message.id());
    }

    /** The ids of the messages queued in memory or in flight. */
    Set<Long> heldMessageIds() {
        Set<Long> held = new HashSet<>();
        queue.addMessageIds(held);
        inFlight.addMessageIds(held);
        return held;
    }

    /** See {@link Session#takeRelease}. */
    boolean takeRelease(ClientLink link, QueuedMessage released) {
        if (inFlight.contains(released.packetId())) {
            return false;
        }
        inFlightForUpdate().put(released.packetId(), new InFlightWindow.Entry(released.message(), 2, true, true));
        if (link != null) {
            link.sendPubrel(released.packetId());
        }
        return true;
    }

    /**
     * Restores what a stored session had in flight and queued when the broker stopped, or
     * another node handed over. When the store is the queue, a session restored at start gets
     * an empty list: it reads the store when its client is back.
     */
    void restore(List<QueuedMessage> stored) {
        if (backlog != null) {
            backlog.restored();
        }
        for (QueuedMessage queued : stored) {
            if (queued.packetId() != 0 && !inFlight.contains(queued.packetId())) {
                inFlightForUpdate()
                        .put(
                                queued.packetId(),
                                new InFlightWindow.Entry(queued.message(), queued.qos(), true, queued.released()));
            } else {
                addLast(new Pending(queued.message(), queued.qos(), true));
            }
        }
    }

    /**
     * In-flight messages (with their packet ids) then queued ones, in order: the session as it
     * moves to another node. Not what waits in the store when the store is the queue, which is
     * never so with a cluster (see {@link SessionRegistry}).
     */
    List<QueuedMessage> snapshot() {
        List<QueuedMessage> messages = new ArrayList<>(inFlight.size() + queue.size());
        inFlight.addTo(messages);
        queue.addTo(messages);
        return messages;
    }

    /**
     * How many more QoS 1/2 messages could be sent at once: the free slots of the in-flight
     * window while nothing is queued (a shared subscription group gives a member only what it
     * can send now); 0 when something waits in memory. What waits in the store is not counted:
     * after a restart it is not known until read, and it shares the window in any case.
     */
    int room() {
        ClientLink current = link.get();
        if (current == null || !queue.isEmpty()) {
            return 0;
        }
        int window = window(current);
        return Math.max(0, window - inFlight.size());
    }

    /** The id of the message in flight with {@code packetId}, or -1. */
    long inFlightMessageId(int packetId) {
        return inFlight.messageId(packetId);
    }

    /**
     * Takes back the messages with one of the {@code ids} that the client has not
     * acknowledged, to give them to another member of their shared subscription group: QoS 1
     * in flight, then anything still queued, in order. QoS 2 messages in flight stay.
     */
    List<SharedCopy> withdraw(Set<Long> ids) {
        List<SharedCopy> taken = new ArrayList<>();
        inFlight.removeQos1(ids, taken);
        for (Pending pending : queue.remove(ids)) {
            counted(pending, -1);
            forget(pending.message(), pending.stored());
            taken.add(new SharedCopy(pending.message(), pending.qos()));
        }
        return taken;
    }

    /** Outbound QoS 1/2 messages sent and not yet acknowledged. */
    int inFlightCount() {
        return inFlight.size();
    }

    /** Messages waiting to be sent: in memory, and in the store when the store is the queue. */
    long queuedCount() {
        return queue.size() + (backlog == null ? 0 : backlog.count());
    }

    /** Everything is discarded (a clean session starts); the store is cleared by the caller. */
    void clear() {
        metrics.queued(-queue.size());
        metrics.queuedBytes(-queue.bytes());
        inFlight = InFlightWindow.EMPTY;
        queue = OutboundQueue.EMPTY;
        queuedMirror = 0;
        queuedBytesMirror = 0;
        if (backlog != null) {
            backlog.clear();
        }
        pushBack.markRoom();
    }
}
