package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.hazelcast.cluster.Address;
import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.InitialMembershipEvent;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import com.hazelcast.core.LifecycleService;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Which members are Starling nodes and what is said when they come and go, over stand-in Hazelcast members. */
class MembershipTest {

    private final List<String> said = new ArrayList<>();
    private final Set<Member> members = new LinkedHashSet<>();
    private final Cluster cluster = mock(Cluster.class);
    private final LifecycleService lifecycle = mock(LifecycleService.class);
    private final HazelcastInstance hazelcast = mock(HazelcastInstance.class);
    private final Membership membership = new Membership("me", new Membership.Events() {
        @Override
        public void joined(String node) {
            said.add("joined " + node);
        }

        @Override
        public void greet(String node) {
            said.add("greet " + node);
        }

        @Override
        public void left(String node, String address) {
            said.add("left " + node + " at " + address);
        }

        @Override
        public void merging() {
            said.add("merging");
        }

        @Override
        public void merged() {
            said.add("merged");
        }
    });

    MembershipTest() {
        when(hazelcast.getCluster()).thenReturn(cluster);
        when(hazelcast.getLifecycleService()).thenReturn(lifecycle);
        when(cluster.getMembers()).thenReturn(members);
    }

    private static Member member(String node, boolean local) throws UnknownHostException {
        Member member = mock(Member.class);
        when(member.getUuid()).thenReturn(UUID.randomUUID());
        when(member.getAttribute(HazelcastSettings.NODE_ATTRIBUTE)).thenReturn(node);
        when(member.localMember()).thenReturn(local);
        when(member.getAddress()).thenReturn(new Address("127.0.0.1", 5701));
        return member;
    }

    @Test
    void theMembersAtStartJoinWithoutAGreetingLaterOnesAreGreeted() throws Exception {
        Member oldest = member("n1", false);
        Member me = member("me", true);
        Member stranger = member(null, false);
        members.addAll(List.of(oldest, me, stranger));
        membership.start(hazelcast);
        verify(cluster).addMembershipListener(membership);
        membership.init(new InitialMembershipEvent(cluster, members));
        assertEquals(List.of("joined n1"), said);

        Member later = member("n3", false);
        members.add(later);
        membership.memberAdded(new MembershipEvent(cluster, later, MembershipEvent.MEMBER_ADDED, members));
        assertEquals(List.of("joined n1", "joined n3", "greet n3"), said);
        assertEquals(Set.of("n1", "n3"), membership.otherNodes());
        assertEquals(4, membership.memberCount());
    }

    @Test
    void theOldestNodeIsTheFirstStarlingMember() throws Exception {
        membership.start(hazelcast);
        Member stranger = member(null, false);
        Member me = member("me", true);
        Member other = member("n2", false);
        members.addAll(List.of(stranger, me, other));
        assertEquals("me", membership.oldestNode());
        assertEquals("n2", membership.oldestOtherNode());

        members.remove(other);
        assertNull(membership.oldestOtherNode(), "alone");
        members.clear();
        assertEquals("me", membership.oldestNode(), "this node when no member says otherwise");
    }

    @Test
    void aLeavingNodeIsToldOnceAndAStrangerNever() throws Exception {
        Member other = member("n2", false);
        Member stranger = member(null, false);
        members.addAll(List.of(other, stranger));
        membership.start(hazelcast);
        membership.init(new InitialMembershipEvent(cluster, members));
        said.clear();

        MembershipEvent removed = new MembershipEvent(cluster, other, MembershipEvent.MEMBER_REMOVED, members);
        membership.memberRemoved(removed);
        membership.memberRemoved(removed);
        membership.memberRemoved(new MembershipEvent(cluster, stranger, MembershipEvent.MEMBER_REMOVED, members));
        assertEquals(List.of("left n2 at [127.0.0.1]:5701"), said);
        assertEquals(Set.of(), membership.otherNodes());
        assertTrue(membership.hasLeft("n2"));
        assertFalse(membership.hasLeft("never-seen"), "a node that just joined is not one that left");

        // Merged back after a freeze: the same node id joins again.
        membership.memberAdded(
                new MembershipEvent(cluster, member("n2", false), MembershipEvent.MEMBER_ADDED, members));
        assertFalse(membership.hasLeft("n2"));
    }

    @Test
    void aMergeIsToldAsItStartsAndEndsFailedOrNot() {
        membership.start(hazelcast);
        ArgumentCaptor<LifecycleListener> listener = ArgumentCaptor.forClass(LifecycleListener.class);
        verify(lifecycle).addLifecycleListener(listener.capture());
        listener.getValue().stateChanged(new LifecycleEvent(LifecycleEvent.LifecycleState.MERGING));
        listener.getValue().stateChanged(new LifecycleEvent(LifecycleEvent.LifecycleState.MERGED));
        listener.getValue().stateChanged(new LifecycleEvent(LifecycleEvent.LifecycleState.MERGING));
        listener.getValue().stateChanged(new LifecycleEvent(LifecycleEvent.LifecycleState.MERGE_FAILED));
        listener.getValue().stateChanged(new LifecycleEvent(LifecycleEvent.LifecycleState.SHUTTING_DOWN));
        assertEquals(List.of("merging", "merged", "merging", "merged"), said);
    }

    @Test
    void aClosedOrUnstartedMemberCountsItselfAlone() {
        assertEquals(1, membership.memberCount());
        membership.start(hazelcast);
        when(cluster.getMembers()).thenThrow(new IllegalStateException("shut down"));
        assertEquals(1, membership.memberCount());
        membership.close();
        assertEquals(1, membership.memberCount());
    }
}
