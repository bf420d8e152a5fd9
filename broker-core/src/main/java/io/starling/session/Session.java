package io.starling.session;

import io.netty.util.concurrent.EventExecutor;
import io.starling.metrics.BrokerMetrics;
import io.starling.metrics.ThrottledLog;
import io.starling.spi.ClusterBus;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueueRefusal;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionContinuedElsewhereException;
import io.starling.spi.SessionExpiry;
import io.starling.spi.SessionRelay;
import io.starling.spi.SessionSnapshot;
import io.starling.spi.StoredMessage;
import io.starling.spi.SubscriptionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's MQTT session: its subscriptions, the messages on their way to it, the QoS 2
 * packet ids it sent that await PUBREL, and the connection it is attached to, if any.
 * Every method except {@link #execute}, {@link #submitDelivery}, {@link #clientId} and
 * {@link #isPersistent} must run on the session's executor: one thread at a time, no locks.
 */
public final class Session {

    private static final Logger LOG = LoggerFactory.getLogger(Session.class);
    /** A store that cannot keep up fails many in a row: one line per interval, not one per PUBREC. */
    private static final ThrottledLog UNRECORDED_PUBRECS = new ThrottledLog(LOG, Duration.ofSeconds(10));

    private static final Duration LEASE_RETRY = Duration.ofSeconds(1);

    private final String clientId;
    private final SessionExecutor executor;

    /**
     * Deliveries submitted by routing threads and not yet run on the session's thread: the
     * router acknowledges a publisher before they run, so the queue's own count lags behind
     * them (a publisher's next message must see them, {@link #queueRefusal}).
     */
    private volatile int submitted;

    private static final AtomicIntegerFieldUpdater<Session> SUBMITTED =
            AtomicIntegerFieldUpdater.newUpdater(Session.class, "submitted");
    private final Outbound outbound;
    private final PacketIds packetIds;
    private final PushBack pushBack = new PushBack();
    private final Outbound.Limits limits;
    private final BrokerMetrics metrics;
    /** Counts the times the queue became full, so a slow-consumer check knows whether it is stale. */
    private long fullEpisodes;
    /**
     * Filter to granted QoS. The shared empty map until the first SUBSCRIBE: a publish-only
     * client never has one, and an empty map of its own costs 48 bytes.
     */
    private Map<String, Integer> subscriptions = Map.of();
    /** How many of the subscriptions have a Subscription Identifier. */
    private int identified;
    /** Created by the first QoS 2 PUBLISH: most clients never send one, and an empty set costs 64 bytes. */
    private Set<Integer> inboundQos2;

    private ClientLink link;
    /** Whether {@link #link} is set, for routing threads ({@link #queueRefusal}). */
    private volatile boolean attached;
    /** The connection that is being attached (CONNACK pending); a newer connect replaces it. */
    private ClientLink connecting;

    private volatile boolean persistent;
    private boolean discarded;
    /**
     * Set when the session was given up to another node: what still reaches it here goes there
     * (see {@link #moveTo}). Read by routing threads, hence volatile.
     */
    private volatile SessionRelay movedTo;
    /**
     * Messages routed here directly while the node this session came from still relays what
     * reached the session there (see {@link #waitForRelay}), in their order, by message; null
     * when nothing waits for that.
     */
    private Map<MessageKey, Delivery> waitingForRelay;
    /**
     * Messages whose relayed copy went out in the relay's place before their direct copy, which
     * the router had let through first, reached this thread: that copy is dropped when it comes
     * (see {@link #deliverRelayedCopy}). Null while there is none.
     */
    private Set<MessageKey> relayedAhead;
    /** Whether the rest of the queue of a session that moved here is on its way ({@link #continueQueue}). */
    private boolean queueFollows;
    /** The shared subscription groups this session is a member of; the shared empty set until it joins one. */
    private Set<SharedMembership> sharedGroups = Set.of();
    /**
     * Message id to its group, for each message of a group this session got and has not
     * acknowledged: what goes to other members when the connection ends ({@link #releaseShared}).
     */
    private Map<Long, SharedMembership> sharedCopies = Map.of();

    /**
     * @param cluster where a persistent session leases its packet ids (see
     *     {@link ClusterBus#leasePacketIds}), or null if ids need no lease
     */
    Session(
            String clientId,
            EventExecutor loop,
            Outbound.Limits limits,
            MessageQueueStore store,
            DropLog drops,
            BrokerMetrics metrics,
            ClusterBus cluster) {
        this.clientId = clientId;
        this.executor = new SessionExecutor(loop, this::flush);
        this.limits = limits;
        this.metrics = metrics;
        this.packetIds = new PacketIds(cluster == null ? null : upTo -> leasePacketIds(cluster, upTo));
        this.outbound = new Outbound(
                clientId, limits, store, drops, metrics, pushBack, packetIds, executor::execute, () -> link);
    }

    /**
     * Asks the cluster for packet ids up to {@code upTo}; sending goes on once it has them. A
     * clean session cannot continue on another node: its ids need no lease.
     */
    private void leasePacketIds(ClusterBus cluster, long upTo) {
        if (!persistent) {
            packetIds.leased(Long.MAX_VALUE);
            return;
        }
        cluster.leasePacketIds(clientId, upTo)
                .whenComplete((ignored, failure) -> execute(() -> {
                    if (failure != null) {
                        LOG.warn(
                                "Could not lease packet ids for {} from the cluster; trying again: {}",
                                clientId,
                                failure.toString());
                        packetIds.renewalFailed();
                        executor.schedule(this::pump, LEASE_RETRY);
                        return;
                    }
                    packetIds.leased(upTo);
                    pump();
                }));
    }

    private void pump() {
        if (link != null) {
            outbound.pump(link);
        }
    }

    public String clientId() {
        return clientId;
    }

    /** Runs the task on this session's thread, after every task submitted before it. */
    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** Whether the session outlives its connection (clean session 0). Safe from any thread. */
    public boolean isPersistent() {
        return persistent;
    }

    void setPersistent(boolean value) {
        persistent = value;
    }

    /** Counts the offline periods that had an expiry timer (see {@link #nextOfflinePeriod}). */
    private int offlinePeriod;

    /** When the session ends without a connection, as stored (see {@link SessionRegistry#disconnected}). */
    private SessionExpiry expiry = SessionExpiry.NEVER;

    SessionExpiry expiry() {
        return expiry;
    }

    void setExpiry(SessionExpiry value) {
        expiry = value;
    }

    boolean isDiscarded() {
        return discarded;
    }

    void markDiscarded() {
        discarded = true;
    }

    /**
     * Starts a new offline period whose Session Expiry timer is the only valid one: a timer of
     * an earlier period (the client came back and left again since) finds another number.
     */
    int nextOfflinePeriod() {
        return ++offlinePeriod;
    }

    int offlinePeriod() {
        return offlinePeriod;
    }

    /** Whether {@code candidate} is the connection this session is attached to. */
    public boolean isAttachedTo(ClientLink candidate) {
        return link != null && link == candidate;
    }

    /**
     * Closes the current connection, if any, and remembers {@code next} as the one being attached;
     * {@code sessionEnds} if that one starts a new session (see {@link ClientLink#closeForTakeover}).
     */
    void startTakeover(ClientLink next, boolean sessionEnds) {
        if (link != null) {
            ClientLink old = link;
            link = null;
            attached = false;
            old.closeForTakeover(sessionEnds);
            releaseShared();
        }
        if (connecting != null && connecting != next) {
            connecting.closeForTakeover(sessionEnds);
        }
        connecting = next;
    }

    boolean isConnecting(ClientLink candidate) {
        return connecting == candidate;
    }

    /** Attaches the connection (its CONNACK was just sent) and resends what is owed to it. */
    void attach(ClientLink newLink, EventExecutor loop) {
        connecting = null;
        link = newLink;
        attached = true;
        executor.bindTo(loop);
        outbound.resend(newLink);
        outbound.pump(newLink);
        reportRoom();
    }

    /** The connection closed; the session stays (persistent) or is discarded by the registry. */
    boolean detach(ClientLink closed) {
        if (connecting == closed) {
            connecting = null;
        }
        if (link != closed) {
            return false;
        }
        link = null;
        attached = false;
        // An offline client cannot drain its queue: the publishers it held back go on.
        pushBack.markRoom();
        releaseShared();
        return true;
    }

    /** The session as the admin API shows it; call on the session's thread ({@link #execute}). */
    public SessionView view() {
        return new SessionView(
                clientId,
                persistent,
                link == null ? null : link.details(),
                Map.copyOf(subscriptions),
                outbound.inFlightCount(),
                outbound.queuedCount());
    }

    /** An operator disconnects the client (admin API); false when it is not connected. Session's thread. */
    public boolean disconnectByOperator() {
        if (link == null) {
            return false;
        }
        link.closeByOperator();
        return true;
    }

    /**
     * Why a QoS 1/2 message routed to this session now would be dropped as new by its queue
     * limits in memory, or null (see {@link Outbound#refusalOfNew}). Safe from any thread;
     * deliveries submitted and not yet run count as queued.
     *
     * @param pausable whether the message comes from a client of this node that push-back can pause
     */
    public QueueRefusal queueRefusal(StoredMessage message, boolean pausable) {
        return outbound.refusalOfNew(message, attached, pausable, submitted);
    }

    /** Whether the session has a connection attached or being attached. */
    boolean isOnline() {
        return link != null || connecting != null;
    }

    /** Whether publishers feeding this client should stop reading (push-back), and where they wait for room. */
    public PushBack pushBack() {
        return pushBack;
    }

    /**
     * {@link #deliver} on this session's thread, after every task submitted before it, as
     * {@code execute(() -> deliver(...))} would: with one object per delivery instead of two
     * (a router's copies of one message to a thousand sessions are a thousand deliveries).
     * Safe from any thread.
     */
    public void submitDelivery(StoredMessage message, int qos, boolean stored, boolean pausable) {
        SUBMITTED.incrementAndGet(this);
        executor.submit(new Delivery(message, qos, stored, pausable));
    }

    /** A delivery waiting for this session's thread. */
    private final class Delivery extends SessionExecutor.Task {
        private final StoredMessage message;
        private final int qos;
        private final boolean stored;
        private final boolean pausable;

        Delivery(StoredMessage message, int qos, boolean stored, boolean pausable) {
            this.message = message;
            this.qos = qos;
            this.stored = stored;
            this.pausable = pausable;
        }

        @Override
        public void run() {
            try {
                deliver(message, qos, stored, pausable);
            } finally {
                // Counted out once queued (or sent), so that queueRefusal never sees it in neither.
                SUBMITTED.decrementAndGet(Session.this);
            }
        }
    }

    /**
     * Delivers a message routed to this session with the given QoS.
     *
     * @param pausable whether its publisher is a client of this node that stops reading when
     *     it sees {@link #pushBack()} full
     */
    public void deliver(StoredMessage message, int qos, boolean stored, boolean pausable) {
        if (movedTo != null) {
            relayRouted(message);
            return;
        }
        if (discarded || relayedAhead != null && tookItsPlace(new MessageKey(message))) {
            return;
        }
        if (waitingForRelay != null) {
            LOG.debug("{}: message {} on '{}' waits for the relay.", clientId, message.id(), message.topic());
            waitingForRelay.putIfAbsent(new MessageKey(message), new Delivery(message, qos, stored, pausable));
            return;
        }
        deliverNow(message, qos, stored, pausable);
    }

    /**
     * Delivers a message that the node this session came from relayed: it goes before those
     * routed here directly meanwhile ({@link #waitForRelay}).
     */
    public void deliverRelayed(StoredMessage message, int qos, boolean stored) {
        if (movedTo != null) {
            relayRouted(message);
        } else if (!discarded) {
            deliverNow(message, qos, stored, false);
        }
    }

    /**
     * Whether the session was given up to another node and relays what reaches it here: routing
     * hands it such messages with {@link #submitRelay}. Safe from any thread.
     */
    public boolean isMoving() {
        return movedTo != null;
    }

    /**
     * Hands the message to the node the session moved to, on this session's thread after every
     * delivery submitted before (so the relay keeps their order). Safe from any thread.
     *
     * @return completes when that node made it durable
     */
    public CompletionStage<Void> submitRelay(StoredMessage message) {
        CompletableFuture<Void> relayed = new CompletableFuture<>();
        executor.execute(() -> relay(message).whenComplete((ignored, failure) -> {
            if (failure != null) {
                relayed.completeExceptionally(failure);
            } else {
                relayed.complete(null);
            }
        }));
        return relayed;
    }

    /** Relays the message to the node the session moved to; only on a session that {@link #isMoving}. */
    public CompletionStage<Void> relay(StoredMessage message) {
        return movedTo.relay(message);
    }

    /**
     * A delivery whose publisher's acknowledgement did not wait for the relay (it was routed
     * before the move began and reached the session after it): a failed relay is logged.
     */
    private void relayRouted(StoredMessage message) {
        relay(message).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.error(
                        "Could not relay message {} on '{}' to the node {} moved to: {}",
                        message.id(),
                        message.topic(),
                        clientId,
                        failure.toString());
            }
        });
    }

    /**
     * The session was given up to another node (its snapshot taken): its messages are gone from
     * here, and from now on what reaches it is relayed there. Its subscriptions stay, for
     * routing, until the registry takes them out.
     */
    void moveTo(SessionRelay relay) {
        inboundQos2 = null;
        outbound.clear();
        discarded = true;
        movedTo = relay;
    }

    /** The queue of the session arriving from another node follows its state in parts ({@link #continueQueue}). */
    void expectQueue() {
        queueFollows = true;
    }

    /**
     * The next part of the queue of the session that arrived from another node: queued behind
     * what it holds, outside the queue limits (the other node acknowledged these messages), and
     * sent if the client is here and has room.
     *
     * @return false if the session does not expect it (it started afresh): then nothing was queued
     */
    boolean continueQueue(List<QueuedMessage> part, boolean last) {
        if (!queueFollows) {
            return false;
        }
        queueFollows = !last;
        outbound.restore(part);
        pump();
        return true;
    }

    /** The session arrives from another node that relays to it: direct deliveries wait until {@link #relayEnded}. */
    void waitForRelay() {
        LOG.debug("{}: direct deliveries wait for the relay.", clientId);
        if (waitingForRelay == null) {
            waitingForRelay = new LinkedHashMap<>();
        }
    }

    /** Everything relayed has arrived: the deliveries that waited go out, in their order. */
    void relayEnded() {
        Map<MessageKey, Delivery> waited = waitingForRelay;
        waitingForRelay = null;
        LOG.debug("{}: relay ended, {} waiting message(s) go out.", clientId, waited == null ? "no" : waited.size());
        if (waited != null) {
            waited.values().forEach(Delivery::run);
        }
    }

    /**
     * The relayed copy of a message whose direct copy the router let through first (it lets only
     * the first copy through): the message goes out now, in the relay's order. Left to the
     * direct copy, which waits for the relay's end, it would follow later messages whose relayed
     * copy won their race, and the client would get them out of order.
     *
     * <p>The direct copy waits here, or has not reached this thread yet (the router claims a copy
     * before it hands it over): then the relayed copy goes in its place ({@code stored} as the
     * direct copy was) and the direct one is dropped when it comes. Nothing happens when nothing
     * waits for a relay (a lost node's relayed message: its direct copy went its way).
     */
    public void deliverRelayedCopy(StoredMessage relayed, int qos, boolean stored) {
        if (waitingForRelay == null) {
            return;
        }
        MessageKey key = new MessageKey(relayed);
        Delivery waiting = waitingForRelay.remove(key);
        if (waiting != null) {
            deliverNow(waiting.message, waiting.qos, waiting.stored, false);
            return;
        }
        if (relayedAhead == null) {
            relayedAhead = new HashSet<>();
        }
        relayedAhead.add(key);
        deliverNow(relayed, qos, stored, false);
    }

    /** Whether the message's relayed copy went out in its place (then this direct copy is dropped). */
    private boolean tookItsPlace(MessageKey key) {
        boolean took = relayedAhead.remove(key);
        if (relayedAhead.isEmpty()) {
            relayedAhead = null;
        }
        return took;
    }

    /** A message as the router's duplicate check knows it: a message id is unique per topic. */
    private record MessageKey(long id, String topic) {
        MessageKey(StoredMessage message) {
            this(message.id(), message.topic());
        }
    }

    private void deliverNow(StoredMessage message, int qos, boolean stored, boolean pausable) {
        boolean wasFull = pushBack.isFull();
        outbound.deliver(link, message, qos, persistent, stored, pausable);
        if (!wasFull && pushBack.isFull()) {
            long episode = ++fullEpisodes;
            executor.schedule(() -> disconnectIfStillFull(episode), limits.pushBackTimeout());
        }
    }

    /**
     * A client whose queue stayed full for the whole push-back timeout is disconnected: it
     * would hold its publishers forever (or be one of clients publishing to each other that
     * all stopped reading). Its session goes offline, which releases the publishers.
     */
    private void disconnectIfStillFull(long episode) {
        if (episode == fullEpisodes && pushBack.isFull() && link != null) {
            metrics.slowConsumerDisconnected();
            link.closeAsSlowConsumer("slow consumer: queue full for "
                    + limits.pushBackTimeout().toSeconds() + " s while publishers waited");
        }
    }

    /** The ids of the messages the session has queued or in flight. */
    Set<Long> heldMessageIds() {
        return outbound.heldMessageIds();
    }

    /**
     * A QoS 2 message whose PUBREC another node received: sends its PUBREL (with its packet id)
     * now if the client is connected, and again when it reconnects, until PUBCOMP.
     *
     * @return false if this session has that packet id in flight already
     */
    boolean takeRelease(QueuedMessage released) {
        return outbound.takeRelease(link, released);
    }

    /**
     * The connection's socket takes more again: what was queued behind it (QoS 0 waits for
     * that, not for an acknowledgement) is sent.
     */
    public void onWritable(ClientLink writable) {
        if (link != null && link == writable) {
            outbound.pump(link);
        }
    }

    /** PUBACK from the client. */
    public void onPuback(int packetId) {
        long sharedId = sharedCopies.isEmpty() ? -1 : outbound.inFlightMessageId(packetId);
        if (outbound.acknowledged(packetId, 1) && link != null) {
            outbound.pump(link);
            sharedAcknowledged(sharedId);
        }
    }

    /** PUBREC from the client; answers PUBREL once the store knows (see {@link Outbound#received}). */
    public void onPubrec(int packetId) {
        CompletionStage<Void> recorded = outbound.received(packetId);
        if (recorded == null) {
            return;
        }
        ClientLink received = link;
        recorded.whenComplete((ignored, failure) -> execute(() -> {
            if (SessionContinuedElsewhereException.isCause(failure)) {
                // The node holding the session now resends the PUBLISH under this id; the client answers PUBREC there.
                if (link != null && link == received) {
                    link.closeForTakeover(false);
                }
            } else if (failure != null) {
                UNRECORDED_PUBRECS.event(
                        "{} PUBREC(s) could not be recorded, their PUBREL withheld until the client reconnects"
                                + " (the last: {} packet {}: {})",
                        clientId,
                        packetId,
                        failure.toString());
            } else if (link != null && link == received) {
                // A newer connection gets its PUBREL with the resend of what was in flight.
                link.sendPubrel(packetId);
            }
        }));
    }

    /** PUBCOMP from the client. */
    public void onPubcomp(int packetId) {
        long sharedId = sharedCopies.isEmpty() ? -1 : outbound.inFlightMessageId(packetId);
        if (outbound.acknowledged(packetId, 2) && link != null) {
            outbound.pump(link);
            sharedAcknowledged(sharedId);
        }
    }

    /**
     * Delivers a message of a shared subscription group on this session's thread; safe from
     * any thread. A member that went offline meanwhile hands it back to the group at once.
     *
     * @param qos the QoS this member gets it with
     */
    public void submitShared(StoredMessage message, int qos, SharedMembership group) {
        executor.execute(() -> {
            if (link == null || discarded || movedTo != null) {
                group.redistribute(this, List.of(new SharedCopy(message, qos)));
                return;
            }
            if (qos > 0) {
                if (sharedCopies.isEmpty()) {
                    sharedCopies = new HashMap<>();
                }
                sharedCopies.put(message.id(), group);
            }
            deliverNow(message, qos, false, false);
            if (qos == 0) {
                group.done(message.id());
            }
        });
    }

    /** Joins a shared subscription group: it learns whether this member can take messages now. */
    public void joinShared(SharedMembership group) {
        if (sharedGroups.isEmpty()) {
            sharedGroups = new HashSet<>();
        }
        if (sharedGroups.add(group)) {
            group.memberRoom(this, link == null ? -1 : outbound.room());
        }
    }

    /** Leaves a shared subscription group; what it sent this session and is unacknowledged stays here. */
    public void leaveShared(SharedMembership group) {
        sharedGroups.remove(group);
    }

    /** A group's message was acknowledged: the member may have room for more. */
    private void sharedAcknowledged(long messageId) {
        SharedMembership group = messageId < 0 ? null : sharedCopies.remove(messageId);
        if (group != null) {
            group.done(messageId);
        }
        reportRoom();
    }

    private void reportRoom() {
        if (sharedGroups.isEmpty()) {
            return;
        }
        int room = link == null ? -1 : outbound.room();
        for (SharedMembership group : sharedGroups) {
            group.memberRoom(this, room);
        }
    }

    /**
     * The connection ended (closed, taken over, or disconnected as a slow consumer): the
     * groups' messages it did not acknowledge go to other members [MQTT 5.0 section 4.8.2],
     * except QoS 2 messages already sent, which the session keeps [MQTT-4.8.2-5].
     */
    private void releaseShared() {
        reportRoom();
        if (sharedCopies.isEmpty()) {
            return;
        }
        Map<Long, SharedMembership> copies = sharedCopies;
        sharedCopies = Map.of();
        Map<SharedMembership, List<SharedCopy>> byGroup = new HashMap<>();
        for (SharedCopy copy : outbound.withdraw(copies.keySet())) {
            SharedMembership group = copies.remove(copy.message().id());
            byGroup.computeIfAbsent(group, taken -> new ArrayList<>()).add(copy);
        }
        // Not taken back: QoS 2 messages already sent (the session keeps them), or gone with the session.
        copies.forEach((messageId, group) -> group.done(messageId));
        byGroup.forEach((group, taken) -> group.redistribute(this, taken));
    }

    /**
     * Records an inbound QoS 2 packet id.
     *
     * @return false if it was already recorded: a re-sent PUBLISH that must not be routed again
     */
    public boolean receiveQos2(int packetId) {
        if (inboundQos2 == null) {
            inboundQos2 = new HashSet<>();
        }
        return inboundQos2.add(packetId);
    }

    /** PUBREL: forgets the inbound QoS 2 packet id. */
    public boolean releaseQos2(int packetId) {
        return inboundQos2 != null && inboundQos2.remove(packetId);
    }

    /** Filter to granted QoS and options ({@link SubscriptionOptions}); read-only (changed through {@link #subscribe}, {@link #unsubscribe}). */
    public Map<String, Integer> subscriptions() {
        return subscriptions;
    }

    /** @return whether the filter is new to this session (not a re-subscription) */
    public boolean subscribe(String filter, int options) {
        if (subscriptions.isEmpty()) {
            subscriptions = new HashMap<>();
        }
        Integer replaced = subscriptions.put(filter, options);
        identified += hasIdentifier(options) - (replaced == null ? 0 : hasIdentifier(replaced));
        return replaced == null;
    }

    /** @return whether the session had the filter */
    public boolean unsubscribe(String filter) {
        Integer removed = subscriptions.isEmpty() ? null : subscriptions.remove(filter);
        if (removed == null) {
            return false;
        }
        identified -= hasIdentifier(removed);
        return true;
    }

    public void clearSubscriptions() {
        subscriptions = Map.of();
        identified = 0;
    }

    /** Whether a subscription has a Subscription Identifier: only then is a PUBLISH's list of them looked for. */
    public boolean hasSubscriptionIdentifiers() {
        return identified > 0;
    }

    private static int hasIdentifier(int options) {
        return SubscriptionOptions.identifier(options) != 0 ? 1 : 0;
    }

    /** Puts back what the store kept of this session across a restart. */
    void restore(Map<String, Integer> storedSubscriptions, List<QueuedMessage> queued, Set<Integer> inboundIds) {
        persistent = true;
        storedSubscriptions.forEach(this::subscribe);
        outbound.restore(queued);
        inboundIds.forEach(this::receiveQos2);
    }

    /** The session's state, to continue on another node. */
    SessionSnapshot snapshot() {
        return new SessionSnapshot(
                clientId,
                subscriptions,
                outbound.snapshot(),
                inboundQos2 == null ? Set.of() : inboundQos2,
                packetIds.resumePoint(),
                expiry);
    }

    /** Continues the packet ids of a session from another node (see {@link SessionSnapshot#packetIdsFrom}). */
    void resumePacketIdsAt(long from) {
        packetIds.resumeAt(from);
    }

    /** Forgets everything (clean session). Subscriptions must be removed from routing first. */
    void reset() {
        if (waitingForRelay != null && !waitingForRelay.isEmpty()) {
            LOG.debug("{}: reset drops {} message(s) waiting for the relay.", clientId, waitingForRelay.size());
        }
        releaseShared();
        waitingForRelay = null;
        relayedAhead = null;
        queueFollows = false;
        expiry = SessionExpiry.NEVER;
        packetIds.forgetLease();
        clearSubscriptions();
        inboundQos2 = null;
        outbound.clear();
    }

    private void flush() {
        if (link != null) {
            link.flush();
        }
    }
}
