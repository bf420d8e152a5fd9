package io.starling.cluster.hazelcast;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServingGateTest {

    @Test
    void aNodeCutOffBelowTheMinimumSendsItsClientsAwayOnceAndServesAgainOnlyAfterTheMerge() {
        ServingGate gate = new ServingGate(2);
        assertFalse(gate.membersChanged(1), "a cluster's first node serves alone");
        assertTrue(gate.serves());
        assertFalse(gate.membersChanged(3));

        assertFalse(gate.membersChanged(2), "still the minimum");
        assertTrue(gate.membersChanged(1), "cut off: its clients go");
        assertFalse(gate.serves());
        assertTrue(gate.why().contains("min-cluster-size 2"), gate.why());
        assertFalse(gate.membersChanged(1), "sent away once");

        gate.merging();
        assertFalse(gate.membersChanged(3));
        assertFalse(gate.serves(), "merged, but the stale sessions are not released yet");
        assertTrue(gate.why().contains("merging"), gate.why());
        gate.settled(3);
        assertTrue(gate.serves());
    }

    @Test
    void aNodeWhoseOthersRestartAndJoinItServesWithoutAMerge() {
        ServingGate gate = new ServingGate(2);
        gate.membersChanged(2);
        assertTrue(gate.membersChanged(1));
        assertFalse(gate.membersChanged(2));
        assertTrue(gate.serves());
    }

    @Test
    void aMergeThatFailsLeavesANodeBelowTheMinimumCutOff() {
        ServingGate gate = new ServingGate(2);
        gate.membersChanged(2);
        gate.membersChanged(1);
        gate.merging();
        gate.settled(1);
        assertFalse(gate.serves());
    }

    @Test
    void withoutAMinimumANodeIsNeverCutOffButStillWaitsForItsMerge() {
        ServingGate gate = new ServingGate(0);
        gate.membersChanged(3);
        assertFalse(gate.membersChanged(1));
        assertTrue(gate.serves());
        gate.merging();
        assertFalse(gate.serves());
        gate.settled(3);
        assertTrue(gate.serves());
    }
}
