package io.starling.routing;

import io.starling.concurrent.Stages;
import io.starling.config.SharedStrategy;
import io.starling.metrics.SharedGroupFigures;
import io.starling.session.DropLog;
import io.starling.session.Session;
import io.starling.session.SharedCopy;
import io.starling.session.SharedMembership;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SubscriptionOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared subscription group ({@code $share/{group}/{filter}}) of this node: its members,
 * and the messages none of them can take now. Each message goes to one member, chosen by the
 * group's {@link SharedStrategy} among the online members that can send it at once (a full
 * in-flight window or a queue skips a member); a message no member can take waits in the
 * group's queue, in order, and goes to the first member that reports room. Offline persistent
 * members get nothing: their share goes to the online ones or waits here, so that whichever
 * member comes back first gets it. The hash strategies give each key one member while the
 * online members stay the same, even a busy one (its own queue keeps the order).
 *
 * <p>Guarded by its own lock (no lock shared between groups); sessions are only handed tasks
 * after the lock is released.
 */
final class SharedGroup implements SharedMembership {

    private static final Logger LOG = LoggerFactory.getLogger("io.starling.shared");
    /** The room of an offline member. */
    private static final int OFFLINE = -1;

    private static final class Member {
        final Session session;
        int options;
        /** What the member can take at once, as it last said, less what was handed to it since. */
        int room = OFFLINE;

        Member(Session session, int options) {
            this.session = session;
            this.options = options;
        }
    }

    /**
     * A message given to a member, handed over once the lock is released; with no member, sent
     * on to another node of the cluster.
     */
    private record Assignment(Member member, SharedCopy copy) {}

    private final SharedFilter name;
    private final SharedStrategy strategy;
    private final int maxQueued;
    private final DropLog drops;
    /** Where the group's QoS 1/2 messages are kept, under its name, until a member is done with them. */
    private final MessageQueueStore store;

    private final GroupElsewhere elsewhere;

    private final List<Member> members = new ArrayList<>();
    private final ArrayDeque<SharedCopy> waiting = new ArrayDeque<>();
    private int next;
    private Member sticky;
    /** Members with a room other than {@link #OFFLINE}; the other nodes are told each change. */
    private int online;

    private final LongAdder delivered = new LongAdder();
    private final LongAdder redistributed = new LongAdder();
    private final LongAdder sentOn = new LongAdder();

    /**
     * @param maxQueued the bound of the group's queue, as of a client's ({@code max-queued-messages})
     * @param elsewhere the same group on the other nodes of the cluster
     */
    SharedGroup(
            SharedFilter name,
            SharedStrategy strategy,
            int maxQueued,
            DropLog drops,
            MessageQueueStore store,
            GroupElsewhere elsewhere) {
        this.name = name;
        this.strategy = strategy;
        this.maxQueued = maxQueued;
        this.drops = drops;
        this.store = store;
        this.elsewhere = elsewhere;
    }

    /**
     * Takes back what the store kept of the group (a restart): those messages wait ahead of
     * any routed since. A store that keeps queues is read page by page without blocking;
     * another is read at once (at start-up, when the restored sessions rejoin their groups).
     */
    void restore() {
        if (store.keepsQueues()) {
            readStored(Long.MIN_VALUE);
        } else {
            restored(store.load(name.name()));
        }
    }

    private void readStored(long after) {
        store.read(name.name(), after, maxQueued).whenComplete((page, failure) -> {
            if (failure != null) {
                LOG.error(
                        "Shared subscription {}: its stored queue could not be read: {}",
                        name.name(),
                        failure.toString());
                return;
            }
            restored(page.messages());
            if (!page.complete()) {
                readStored(page.last());
            }
        });
    }

    private void restored(List<QueuedMessage> stored) {
        if (stored.isEmpty()) {
            return;
        }
        List<Assignment> assigned = new ArrayList<>();
        synchronized (this) {
            List<SharedCopy> copies = new ArrayList<>(stored.size());
            for (QueuedMessage queued : stored) {
                copies.add(new SharedCopy(queued.message(), queued.qos()));
            }
            for (int i = copies.size() - 1; i >= 0; i--) {
                waiting.addFirst(copies.get(i));
            }
            drain(assigned, null);
        }
        handOver(assigned);
    }

    SharedFilter name() {
        return name;
    }

    SharedStrategy strategy() {
        return strategy;
    }

    /** This node's members online now. */
    synchronized int online() {
        return online;
    }

    /** Tells the other nodes how many members are online here (a new group: 0). */
    synchronized void announce() {
        elsewhere.online(this, online);
    }

    /** Adds the member, or changes its QoS and options. */
    synchronized void join(Session session, int options) {
        Member member = find(session);
        if (member == null) {
            members.add(new Member(session, options));
        } else {
            member.options = options;
        }
    }

    /**
     * Removes the member.
     *
     * @return whether the group has no member left
     */
    synchronized boolean leave(Session session) {
        Member member = find(session);
        if (member != null) {
            members.remove(member);
            if (sticky == member) {
                sticky = null;
            }
            if (member.room != OFFLINE) {
                onlineChanged(-1);
            }
        }
        return members.isEmpty();
    }

    /**
     * The group has no member left here and is gone from this node.
     *
     * @return what waited in its queue (still stored under the group's name), for the caller to
     *     send to another node that has the group, or drop
     */
    synchronized List<SharedCopy> close() {
        List<SharedCopy> left = new ArrayList<>(waiting);
        waiting.clear();
        return left;
    }

    @Override
    public void done(long messageId) {
        store.remove(name.name(), messageId);
        elsewhere.done(this, messageId);
    }

    /**
     * A message this group sent to another node comes back (that node left, or did not
     * acknowledge it, before it was done with it; the cluster bus logs it): it goes to a member,
     * or waits, as a redistributed one. It is still stored here.
     */
    void takeBack(SharedCopy copy) {
        redistributed.increment();
        putBack(copy);
    }

    /** A message this group was to send to another node, which has no member online any more: it waits again. */
    void putBack(SharedCopy copy) {
        List<Assignment> assigned = new ArrayList<>();
        synchronized (this) {
            waiting.addFirst(copy);
            drain(assigned, null);
        }
        handOver(assigned);
    }

    /** Another node has members online again: what waits here goes there if no member here is online. */
    void drainElsewhere() {
        List<Assignment> assigned = new ArrayList<>();
        synchronized (this) {
            drain(assigned, null);
        }
        handOver(assigned);
    }

    /**
     * Gives a message to one member.
     *
     * @param publisher the publishing client's id (the key of {@link SharedStrategy#HASH_CLIENT_ID}), or null
     * @return completes when a QoS 1/2 message is stored for the group
     */
    CompletionStage<Void> dispatch(SharedCopy copy, String publisher) {
        // Stored before any member can see it: its acknowledgement removes it (one client's writes apply in order).
        CompletionStage<Void> stored = copy.qos() == 0
                ? Stages.DONE
                : store.append(copy.message(), List.of(new DeliveryTarget(name.name(), copy.qos())), null);
        List<Assignment> assigned = new ArrayList<>(1);
        synchronized (this) {
            if (strategy.isHash()) {
                Member member = byHash(
                        strategy == SharedStrategy.HASH_TOPIC || publisher == null
                                ? copy.message().topic()
                                : publisher);
                if (member != null) {
                    assign(member, copy, assigned);
                } else {
                    enqueue(copy);
                }
            } else {
                enqueue(copy);
                drain(assigned, null);
            }
        }
        handOver(assigned);
        return stored;
    }

    @Override
    public void memberRoom(Session session, int room) {
        List<Assignment> assigned = new ArrayList<>();
        synchronized (this) {
            Member member = find(session);
            if (member == null) {
                return;
            }
            if ((member.room == OFFLINE) != (room == OFFLINE)) {
                onlineChanged(room == OFFLINE ? -1 : 1);
            }
            member.room = room;
            drain(assigned, null);
        }
        handOver(assigned);
    }

    @Override
    public void redistribute(Session from, List<SharedCopy> copies) {
        List<Assignment> assigned = new ArrayList<>();
        synchronized (this) {
            redistributed.add(copies.size());
            // Ahead of what waits: these were published first. Acknowledged already, so never dropped here.
            for (int i = copies.size() - 1; i >= 0; i--) {
                waiting.addFirst(copies.get(i));
            }
            drain(assigned, from.clientId());
        }
        LOG.info(
                "Shared subscription {}: {} unacknowledged message(s) of {} redistributed ({} to other members now).",
                name.name(),
                copies.size(),
                from.clientId(),
                assigned.size());
        handOver(assigned);
    }

    /** Members online, members offline, messages delivered, redistributed, waiting: for the metrics. */
    synchronized SharedGroupFigures figures() {
        return new SharedGroupFigures(
                name.name(),
                online,
                members.size() - online,
                delivered.sum(),
                redistributed.sum(),
                waiting.size(),
                sentOn.sum());
    }

    private void onlineChanged(int change) {
        online += change;
        elsewhere.online(this, online);
    }

    private void enqueue(SharedCopy copy) {
        if (copy.qos() == 0 && online == 0) {
            // As for a client: QoS 0 is not kept for the offline (queue-qos0-messages is per session).
            drops.dropped(name.name(), 0, "no member of the shared subscription group online");
            return;
        }
        if (waiting.size() >= maxQueued) {
            drops.dropped(
                    name.name(),
                    copy.qos(),
                    "shared subscription group queue full (" + maxQueued + " messages), new message dropped");
            done(copy.message().id());
            return;
        }
        waiting.addLast(copy);
    }

    /**
     * Gives what waits, oldest first, to members that can take it now, as the strategy picks;
     * {@code notTo} (a member whose connection just ended) gets none. While no member of this
     * node is online and another node has some, everything waiting goes to the other nodes.
     */
    private void drain(List<Assignment> assigned, String notTo) {
        while (!waiting.isEmpty()) {
            SharedCopy first = waiting.peekFirst();
            Member member = strategy.isHash() ? byHashAfterRedistribution(first, notTo) : pick(first.qos() == 0, notTo);
            if (member == null) {
                if (online == 0 && elsewhere.hasOnline(this)) {
                    sentOn.add(waiting.size());
                    while (!waiting.isEmpty()) {
                        assigned.add(new Assignment(null, waiting.removeFirst()));
                    }
                }
                return;
            }
            waiting.removeFirst();
            assign(member, first, assigned);
        }
    }

    /**
     * A member for a message that waits under a hash strategy: its key's member if it can take
     * it now, else any that can (it waited because its key's member could not).
     */
    private Member byHashAfterRedistribution(SharedCopy copy, String notTo) {
        Member member = byHash(copy.message().topic());
        if (member != null && member.room > 0 && !member.session.clientId().equals(notTo)) {
            return member;
        }
        return pick(copy.qos() == 0, notTo);
    }

    private void assign(Member member, SharedCopy copy, List<Assignment> assigned) {
        if (copy.qos() > 0 && member.room > 0) {
            member.room--;
        }
        delivered.increment();
        assigned.add(new Assignment(member, copy));
    }

    private void handOver(List<Assignment> assigned) {
        for (Assignment assignment : assigned) {
            Member member = assignment.member();
            SharedCopy copy = assignment.copy();
            if (member == null) {
                elsewhere.sendOn(this, copy);
                continue;
            }
            int qos = Math.min(copy.qos(), SubscriptionOptions.qos(member.options));
            member.session.submitShared(copy.message(), qos, this);
        }
    }

    /**
     * An online member that can take the message now (QoS 0: any online member), by the
     * strategy; null if there is none.
     */
    private Member pick(boolean qos0, String notTo) {
        int size = members.size();
        if (size == 0) {
            return null;
        }
        if (strategy == SharedStrategy.STICKY && sticky != null && canTake(sticky, qos0, notTo)) {
            return sticky;
        }
        int start =
                strategy == SharedStrategy.RANDOM ? ThreadLocalRandom.current().nextInt(size) : next % size;
        for (int i = 0; i < size; i++) {
            int index = (start + i) % size;
            Member member = members.get(index);
            if (canTake(member, qos0, notTo)) {
                next = index + 1;
                sticky = member;
                return member;
            }
        }
        return null;
    }

    private static boolean canTake(Member member, boolean qos0, String notTo) {
        return (qos0 ? member.room != OFFLINE : member.room > 0)
                && !member.session.clientId().equals(notTo);
    }

    /** The online member a key maps to, or null if none is online. */
    private Member byHash(String key) {
        List<Member> online = new ArrayList<>(members.size());
        for (Member member : members) {
            if (member.room != OFFLINE) {
                online.add(member);
            }
        }
        return online.isEmpty() ? null : online.get(Math.floorMod(key.hashCode(), online.size()));
    }

    private Member find(Session session) {
        for (Member member : members) {
            if (member.session == session) {
                return member;
            }
        }
        return null;
    }
}
