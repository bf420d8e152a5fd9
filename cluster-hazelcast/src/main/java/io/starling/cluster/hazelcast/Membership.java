package io.starling.cluster.hazelcast;

import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.InitialMembershipListener;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Hazelcast members are Starling nodes (their {@link HazelcastSettings#NODE_ATTRIBUTE}),
 * and what happens to them: a node joins, leaves, or this side of a network split merges into
 * the other. Hazelcast lists members oldest first, so every member agrees on the oldest node
 * once they agree on the members.
 */
final class Membership implements InitialMembershipListener {

    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    /** What the bus does when the members change. Called on Hazelcast's event threads. */
    interface Events {
        /** Another node is a member (it may have been before this node started). */
        void joined(String node);

        /** A node joined after this one started: say hello to it (see {@link ClusterMessage.Hello}). */
        void greet(String node);

        /** A node left (or was declared dead); {@code address} is its member address, for the log. */
        void left(String node, String address);

        /** This side of a network split starts joining the other, larger side. */
        void merging();

        /** This side of a network split joined the other, larger side (or failed to: still split). */
        void merged();
    }

    private final String nodeId;
    private final Events events;
    private final Map<UUID, String> nodes = new ConcurrentHashMap<>();
    /** Nodes that left and have not joined again (a frozen node merged back joins again). */
    private final Set<String> departed = ConcurrentHashMap.newKeySet();

    private volatile HazelcastInstance hazelcast;
    private volatile boolean closed;

    Membership(String nodeId, Events events) {
        this.nodeId = nodeId;
        this.events = events;
    }

    /** Listens to the member's cluster; the current members are {@link Events#joined} before this returns. */
    void start(HazelcastInstance instance) {
        this.hazelcast = instance;
        instance.getCluster().addMembershipListener(this);
        instance.getLifecycleService().addLifecycleListener(event -> {
            switch (event.getState()) {
                case MERGING -> events.merging();
                case MERGED, MERGE_FAILED -> events.merged();
                default -> {
                    // starting, shutting down: the bus follows its own start and close
                }
            }
        });
    }

    /** The member is shutting down: it counts itself alone from now on. */
    void close() {
        closed = true;
    }

    @Override
    public void init(InitialMembershipEvent event) {
        for (Member member : event.getMembers()) {
            added(member);
        }
        logCount();
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        String node = added(event.getMember());
        if (node != null) {
            events.greet(node);
        }
        logCount();
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        String node = nodes.remove(event.getMember().getUuid());
        if (node != null) {
            departed.add(node);
            events.left(node, String.valueOf(event.getMember().getAddress()));
        }
    }

    /** The node ids of the other members. */
    Set<String> otherNodes() {
        return new HashSet<>(nodes.values());
    }

    /**
     * Whether the node left the cluster and has not joined it again: a node frozen past the
     * member timeout still sends what it had begun when it wakes up, before it learns it was
     * dropped, and what it sends must not be acted on (a hand-over to it would be lost).
     */
    boolean hasLeft(String node) {
        return departed.contains(node);
    }

    /** The oldest member's node id (this node's when alone). */
    String oldestNode() {
        return oldestNode(member -> true).orElse(nodeId);
    }

    /** The node id of the oldest member other than this one, or null if alone. */
    String oldestOtherNode() {
        return oldestNode(member -> !member.localMember()).orElse(null);
    }

    /** Members of the cluster, this one included (1 when closed or not started). */
    int memberCount() {
        HazelcastInstance instance = hazelcast;
        if (instance == null || closed) {
            return 1;
        }
        try {
            return instance.getCluster().getMembers().size();
        } catch (RuntimeException e) {
            return 1;
        }
    }

    private String added(Member member) {
        if (member.localMember()) {
            return null;
        }
        String other = member.getAttribute(HazelcastSettings.NODE_ATTRIBUTE);
        if (other == null) {
            LOG.warn(
                    "Cluster member {} is not a Starling node (no {} attribute); ignored.",
                    member,
                    HazelcastSettings.NODE_ATTRIBUTE);
            return null;
        }
        nodes.put(member.getUuid(), other);
        departed.remove(other);
        events.joined(other);
        return other;
    }

    private void logCount() {
        LOG.info("Cluster now has {} member(s).", memberCount());
    }

    /** The node id of the oldest member that is a Starling node and passes. */
    private Optional<String> oldestNode(Predicate<Member> eligible) {
        return hazelcast.getCluster().getMembers().stream()
                .filter(eligible)
                .map(member -> member.getAttribute(HazelcastSettings.NODE_ATTRIBUTE))
                .filter(Objects::nonNull)
                .findFirst();
    }
}
