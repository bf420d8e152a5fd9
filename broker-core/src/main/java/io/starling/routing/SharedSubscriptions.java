package io.starling.routing;

import io.starling.concurrent.Stages;
import io.starling.config.SharedStrategy;
import io.starling.config.SharedSubscriptionSettings;
import io.starling.metrics.SharedGroupFigures;
import io.starling.session.DropLog;
import io.starling.session.Session;
import io.starling.session.SharedCopy;
import io.starling.spi.ClusterBus;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.SharedForwarding;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * This node's shared subscription groups: a trie of the groups by their filter, so that a
 * published message reaches each matching group once, which gives it to one member
 * ({@link SharedGroup}). A group exists on a node while it has members there, online or offline.
 *
 * <p>In a cluster a group is the same group on every node that has members of it: the node a
 * message is published on picks one node for each matching group ({@link SharedNodeChoice}), itself
 * or another, and only that node gives it to a member, so the group gets it once. The other nodes'
 * groups and their members online come with the cluster's routes ({@link ClusterBus#sharedGroupNodes}).
 * A node that gets a message for a group it no longer has sends it on; a group with no member
 * online here sends what waits in its queue to a node with members online
 * ({@link GroupElsewhere}); a message sent to a node that leaves before its group is done with it
 * is placed again by the node that sent it.
 */
public final class SharedSubscriptions implements GroupElsewhere {

    /**
     * How long a message for a group no node has is kept trying, when there are other nodes: a
     * persistent member whose session moves to another node leaves the group here before it joins
     * there, and another node may have chosen this one just before.
     */
    private static final int GRACE_TRIES = 20;

    private static final long GRACE_PAUSE_MILLIS = 500;

    private final SubscriptionTrie<SharedGroup> trie = new SubscriptionTrie<>();
    private final ConcurrentHashMap<String, SharedGroup> groups = new ConcurrentHashMap<>();
    private final SharedSubscriptionSettings settings;
    private final int maxQueued;
    private final DropLog drops;
    private final MessageQueueStore store;
    private final ClusterBus cluster;
    /** Each group's round-robin turn and last chosen node, across nodes (groups of this node or others). */
    private final ConcurrentHashMap<String, NodeTurn> turns = new ConcurrentHashMap<>();

    /** A group's turn counter for {@link SharedNodeChoice} and the node it chose last. */
    private static final class NodeTurn {
        long turn;
        String last;

        synchronized String choose(
                SharedStrategy strategy, String self, int localOnline, ClusterBus cluster, String group, String key) {
            String node = SharedNodeChoice.choose(
                    strategy, self, localOnline, cluster.sharedGroupNodes(group), turn++, last, key);
            last = node;
            return node;
        }

        synchronized String chooseElsewhere(SharedStrategy strategy, ClusterBus cluster, String group, String key) {
            String node =
                    SharedNodeChoice.chooseElsewhere(strategy, cluster.sharedGroupNodes(group), turn++, last, key);
            if (node != null) {
                last = node;
            }
            return node;
        }
    }

    /**
     * @param maxQueued the bound of each group's queue ({@code max-queued-messages})
     * @param store     where each group's QoS 1/2 messages are kept under its {@code $share/...}
     *     name until a member is done with them
     * @param cluster   the other nodes' groups, and the way to them
     */
    public SharedSubscriptions(
            SharedSubscriptionSettings settings,
            int maxQueued,
            DropLog drops,
            MessageQueueStore store,
            ClusterBus cluster) {
        this.settings = settings;
        this.maxQueued = maxQueued;
        this.drops = drops;
        this.store = store;
        this.cluster = cluster;
    }

    /** Makes the session a member of the group (or changes its options). Session's thread. */
    void join(Session session, SharedFilter shared, int options) {
        SharedGroup group = groups.compute(shared.name(), (name, existing) -> {
            SharedGroup joined = existing;
            if (joined == null) {
                joined = new SharedGroup(shared, strategyOf(shared), maxQueued, drops, store, this);
                trie.subscribe(shared.filter(), joined, 0);
                joined.announce();
                joined.restore();
            }
            joined.join(session, options);
            return joined;
        });
        session.joinShared(group);
    }

    /** Takes the session out of the group; the last member takes the group with it. Session's thread. */
    void leave(Session session, SharedFilter shared) {
        SharedGroup group = groups.get(shared.name());
        if (group == null) {
            return;
        }
        session.leaveShared(group);
        List<SharedCopy> left = new ArrayList<>();
        groups.computeIfPresent(shared.name(), (name, existing) -> {
            if (!existing.leave(session)) {
                return existing;
            }
            trie.unsubscribe(shared.filter(), existing);
            left.addAll(existing.close());
            cluster.sharedGroupChanged(name, -1);
            if (cluster.sharedGroupNodes(name).isEmpty()) {
                turns.remove(name);
            }
            return null;
        });
        for (SharedCopy copy : left) {
            leftOver(group, copy, 0);
        }
    }

    /** Whether some group's filter, here or on another node, matches the topic (then a group takes the message). */
    boolean matchesAny(String topic) {
        if (!groups.isEmpty()) {
            boolean[] matched = {false};
            trie.match(topic, (group, ignored) -> matched[0] = true);
            if (matched[0]) {
                return true;
            }
        }
        return !cluster.sharedGroupsMatching(topic).isEmpty();
    }

    /**
     * Gives the message to one member of each matching group: this node's groups take it
     * themselves unless another node has the group too; then one node is picked for it.
     *
     * @param publisher the publishing client's id, or null (a will, $SYS)
     * @return completes when the QoS 1/2 message is stored for every group it goes to
     */
    CompletionStage<Void> route(StoredMessage live, String publisher) {
        Set<String> elsewhere = cluster.sharedGroupsMatching(live.topic());
        if (groups.isEmpty() && elsewhere.isEmpty()) {
            return Stages.DONE;
        }
        List<SharedGroup> matched = new ArrayList<>(1);
        if (!groups.isEmpty()) {
            trie.match(live.topic(), (group, ignored) -> matched.add(group));
        }
        CompletionStage<Void> stored = Stages.DONE;
        Set<String> routed = elsewhere.isEmpty() ? Set.of() : new HashSet<>();
        for (SharedGroup group : matched) {
            String name = group.name().name();
            if (elsewhere.contains(name)) {
                routed.add(name);
                stored = Stages.both(stored, toOneNode(name, live, publisher, 0));
            } else {
                stored = Stages.both(stored, group.dispatch(new SharedCopy(live, live.qos()), publisher));
            }
        }
        for (String name : elsewhere) {
            if (!routed.contains(name)) {
                stored = Stages.both(stored, toOneNode(name, live, publisher, 0));
            }
        }
        return stored;
    }

    /**
     * A message another node chose this node for: this node's group takes it, or, if this node
     * does not have the group (any more), it goes on to one that has.
     */
    public CompletionStage<Void> deliverShared(String name, String publisher, StoredMessage message) {
        SharedGroup group = groups.get(name);
        if (group != null) {
            return group.dispatch(new SharedCopy(message, message.qos()), publisher);
        }
        return toOneNode(name, message, publisher, 0);
    }

    /** Another node has members of the group online again: what waits here may go there. */
    public void membersOnlineElsewhere(String name) {
        SharedGroup group = groups.get(name);
        if (group != null) {
            group.drainElsewhere();
        }
    }

    /**
     * Gives the message to the group on the node its strategy picks: this node's group, or
     * another node, which tells when it is done with it (then so is this node, for the node that
     * sent it here, if one did) or leaves first (then the message is placed again). With no node
     * having the group, it is tried again for a while ({@link #GRACE_TRIES}), then dropped.
     *
     * @return completes when the message is stored for the group (or dropped)
     */
    private CompletionStage<Void> toOneNode(String name, StoredMessage message, String publisher, int tries) {
        SharedFilter shared = SharedFilter.parse(name);
        SharedGroup local = groups.get(name);
        String self = cluster.nodeId();
        String node = turnOf(name)
                .choose(
                        strategyOf(shared),
                        self,
                        local == null ? -1 : local.online(),
                        cluster,
                        name,
                        keyOf(shared, message, publisher));
        if (node == null) {
            CompletableFuture<Void> placed = new CompletableFuture<>();
            if (retryLater(tries, () -> completeWith(placed, toOneNode(name, message, publisher, tries + 1)))) {
                return placed;
            }
            drops.dropped(name, message.qos(), "the shared subscription group has no member left in the cluster");
            cluster.sharedDone(name, message.id());
            return Stages.DONE;
        }
        if (node.equals(self) && local != null) {
            return local.dispatch(new SharedCopy(message, message.qos()), publisher);
        }
        SharedForwarding forwarding = cluster.forwardShared(node, name, publisher, message);
        forwarding.done().thenAccept(done -> {
            if (done) {
                cluster.sharedDone(name, message.id());
                return;
            }
            // Placed again (the cluster bus logs how many a node that left had).
            completeWith(forwarding.accepted(), toOneNode(name, message, publisher, 0));
        });
        return forwarding.accepted();
    }

    /**
     * What waited in the queue of a group that ended here: it goes to another node that has the
     * group. With none in the cluster it is dropped (counted and logged), after the grace of
     * {@link #GRACE_TRIES}.
     */
    private void leftOver(SharedGroup group, SharedCopy copy, int tries) {
        String name = group.name().name();
        String node = turnOf(name)
                .choose(
                        group.strategy(),
                        cluster.nodeId(),
                        -1,
                        cluster,
                        name,
                        copy.message().topic());
        if (node != null) {
            sendTo(node, group, copy, () -> leftOver(group, copy, 0));
        } else if (!retryLater(tries, () -> leftOver(group, copy, tries + 1))) {
            drops.dropped(name, copy.qos(), "the shared subscription group has no member left");
            group.done(copy.message().id());
        }
    }

    /** Schedules {@code retry} after a pause if the grace is not over and there are other nodes; false if not. */
    private boolean retryLater(int tries, Runnable retry) {
        if (tries >= GRACE_TRIES || cluster.statistics().members() <= 1) {
            return false;
        }
        CompletableFuture.delayedExecutor(GRACE_PAUSE_MILLIS, TimeUnit.MILLISECONDS)
                .execute(retry);
        return true;
    }

    private static void completeWith(CompletableFuture<Void> target, CompletionStage<Void> source) {
        source.whenComplete((ignored, failure) -> {
            if (failure != null) {
                target.completeExceptionally(failure);
            } else {
                target.complete(null);
            }
        });
    }

    @Override
    public void online(SharedGroup group, int online) {
        cluster.sharedGroupChanged(group.name().name(), online);
    }

    @Override
    public boolean hasOnline(SharedGroup group) {
        for (int online : cluster.sharedGroupNodes(group.name().name()).values()) {
            if (online > 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void sendOn(SharedGroup group, SharedCopy copy) {
        String name = group.name().name();
        String node = turnOf(name)
                .chooseElsewhere(group.strategy(), cluster, name, copy.message().topic());
        if (node == null) {
            group.putBack(copy);
            return;
        }
        sendTo(node, group, copy, () -> group.takeBack(copy));
    }

    /** Sends a message stored here for the group to another node; done there, it is done here. */
    private void sendTo(String node, SharedGroup group, SharedCopy copy, Runnable takeBack) {
        SharedForwarding forwarding = cluster.forwardShared(node, group.name().name(), null, copy.message());
        forwarding.done().thenAccept(done -> {
            if (done) {
                group.done(copy.message().id());
            } else {
                takeBack.run();
            }
        });
    }

    @Override
    public void done(SharedGroup group, long messageId) {
        cluster.sharedDone(group.name().name(), messageId);
    }

    private NodeTurn turnOf(String name) {
        return turns.computeIfAbsent(name, ignored -> new NodeTurn());
    }

    private SharedStrategy strategyOf(SharedFilter shared) {
        return settings.strategyOf(shared.group());
    }

    /** The hash strategies' key, as {@link SharedGroup} takes it: the publisher (if any) or the topic. */
    private String keyOf(SharedFilter shared, StoredMessage message, String publisher) {
        return strategyOf(shared) == SharedStrategy.HASH_CLIENT_ID && publisher != null ? publisher : message.topic();
    }

    /** Every group's figures. */
    public List<SharedGroupFigures> figures() {
        List<SharedGroupFigures> figures = new ArrayList<>(groups.size());
        for (SharedGroup group : groups.values()) {
            figures.add(group.figures());
        }
        return figures;
    }
}
