package io.starling.cluster.hazelcast;

import com.hazelcast.cluster.Member;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;
import java.util.Collection;

/**
 * Whether this member may change the cluster's maps ({@code min-cluster-size}): only while it
 * sees at least that many members, so that the smaller side of a split (or a node that froze
 * and finds itself alone) refuses claims, session records and queued messages instead of
 * acknowledging what the larger side never learns of. Until this member has once seen that
 * many, it may: a cluster's first node starts serving alone, and the rule holds from the moment
 * the cluster formed.
 *
 * <p>Hazelcast calls {@link #apply} from one thread, at every membership change and once per
 * heartbeat interval.
 */
final class MinimumClusterSize implements SplitBrainProtectionFunction {

    private final int minimum;
    private volatile boolean formed;

    MinimumClusterSize(int minimum) {
        this.minimum = minimum;
    }

    @Override
    public boolean apply(Collection<Member> members) {
        if (members.size() >= minimum) {
            formed = true;
            return true;
        }
        return !formed;
    }
}
