package io.starling.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Claims a client id: runs on the partition owner of the id, so concurrent claims are applied
 * one after the other. The entry becomes {@code node/epoch} with the epoch one above the
 * previous owner's; the previous value (or null) is returned. Every claim thus knows exactly
 * whose session it displaces, and claims of one id form a single chain.
 */
final class ClaimProcessor implements EntryProcessor<String, String, String> {

    private static final long serialVersionUID = 1L;

    private final String node;
    /** If not null: claim only if the id is held by none of these nodes. */
    private final HashSet<String> unlessHeldBy;
    /** If not null: claim only if the id is held by this node. */
    private final String onlyIfHeldBy;

    ClaimProcessor(String node) {
        this(node, null, null);
    }

    private ClaimProcessor(String node, Set<String> unlessHeldBy, String onlyIfHeldBy) {
        this.node = node;
        this.unlessHeldBy = unlessHeldBy == null ? null : new HashSet<>(unlessHeldBy);
        this.onlyIfHeldBy = onlyIfHeldBy;
    }

    /**
     * A claim that leaves the entry alone if one of {@code liveNodes} holds the id (for a
     * session restored at start, which must not displace the session its client continued
     * elsewhere); the previous value is returned either way.
     */
    static ClaimProcessor unlessHeldBy(String node, Set<String> liveNodes) {
        return new ClaimProcessor(node, liveNodes, null);
    }

    /**
     * A claim that leaves the entry alone unless {@code holder} holds the id (a stopping node's
     * session taken over, unless its client took it elsewhere meanwhile).
     */
    static ClaimProcessor onlyIfHeldBy(String node, String holder) {
        return new ClaimProcessor(node, null, holder);
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
        String previous = entry.getValue();
        if (previous != null
                && unlessHeldBy != null
                && unlessHeldBy.contains(Owner.parse(previous).node())) {
            return previous;
        }
        if (onlyIfHeldBy != null
                && (previous == null || !Owner.parse(previous).node().equals(onlyIfHeldBy))) {
            return previous;
        }
        long epoch = previous == null ? 1 : Owner.parse(previous).epoch() + 1;
        entry.setValue(new Owner(node, epoch).toString());
        return previous;
    }

    /** The value of an ownership entry. */
    record Owner(String node, long epoch) {

        static Owner parse(String value) {
            int slash = value.lastIndexOf('/');
            return new Owner(value.substring(0, slash), Long.parseLong(value.substring(slash + 1)));
        }

        @Override
        public String toString() {
            return node + "/" + epoch;
        }
    }
}
