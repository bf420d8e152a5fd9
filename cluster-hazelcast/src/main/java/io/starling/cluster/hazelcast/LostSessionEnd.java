package io.starling.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Ends the persistent session a lost node had for a client id that starts afresh: runs on the
 * id's {@link SessionRecords} entry and removes the record if it names a node that is not live.
 * Returns that node, or null if there was nothing to end. Neither the adopter nor a later claim
 * then continues that session.
 */
final class LostSessionEnd implements EntryProcessor<String, String, String> {

    private static final long serialVersionUID = 1L;

    private final HashSet<String> liveNodes;

    /** @param liveNodes the live nodes, the claiming one included */
    LostSessionEnd(Set<String> liveNodes) {
        this.liveNodes = new HashSet<>(liveNodes);
    }

    @Override
    public String process(Map.Entry<String, String> record) {
        if (record.getValue() == null) {
            return null;
        }
        String node = SessionRecords.Value.parse(record.getValue()).node();
        if (liveNodes.contains(node)) {
            return null;
        }
        record.setValue(null);
        return node;
    }
}
