package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RemoteGroupsTest {

    private final RemoteGroups groups = new RemoteGroups();

    @Test
    void aGroupIsMatchedByItsFilterWithEachNodesMembersOnline() {
        assertFalse(groups.set("n1", "$share/g/a/#", 0), "no member online");
        assertTrue(groups.set("n2", "$share/g/a/#", 2), "members online where there were none");
        groups.set("n1", "$share/h/a/+", 1);
        assertEquals(Set.of("$share/g/a/#", "$share/h/a/+"), groups.match("a/b"));
        assertEquals(Set.of("$share/g/a/#"), groups.match("a/b/c"));
        assertEquals(Set.of(), groups.match("b"));
        assertEquals(Map.of("n1", 0, "n2", 2), groups.nodes("$share/g/a/#"));
        assertTrue(groups.set("n1", "$share/g/a/#", 1), "online again");
        assertFalse(groups.set("n1", "$share/g/a/#", 2), "had members online already");
    }

    @Test
    void aGroupLeavesTheTrieWithItsLastNode() {
        groups.set("n1", "$share/g/a/#", 1);
        groups.set("n2", "$share/g/a/#", 1);
        groups.set("n1", "$share/g/a/#", -1);
        assertEquals(Map.of("n2", 1), groups.nodes("$share/g/a/#"));
        groups.removeNode("n2");
        assertEquals(Map.of(), groups.nodes("$share/g/a/#"));
        assertEquals(Set.of(), groups.match("a/b"));
    }

    @Test
    void aRouteSetReplacesTheNodesGroupsSoNoStaleMemberStays() {
        groups.set("n1", "$share/g/a/#", 3);
        groups.set("n1", "$share/old/x", 1);
        Set<String> online = groups.replaceAll("n1", Map.of("$share/g/a/#", 0, "$share/new/y", 2));
        assertEquals(Set.of("$share/new/y"), online, "newly online groups, for their queues elsewhere");
        assertEquals(Map.of("n1", 0), groups.nodes("$share/g/a/#"));
        assertEquals(Map.of(), groups.nodes("$share/old/x"));
        assertEquals(Set.of(), groups.match("x"));
        assertEquals(Set.of("$share/new/y"), groups.match("y"));
    }
}
