package io.starling.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;

/**
 * Claims a client id: runs on the partition owner of the id, so concurrent claims are applied
 * one after the other. The entry becomes {@code node/epoch} with the epoch one above the
 * previous owner's; the previous value (or null) is returned. Every claim thus knows exactly
 * whose session it displaces, and claims of one id form a single chain.
 */
final class ClaimProcessor implements EntryProcessor<String, String, String> {

    private static final long serialVersionUID = 1L;

    private final String node;

    ClaimProcessor(String node) {
        this.node = node;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
        String previous = entry.getValue();
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
