package io.starling.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Ends the old session of a client id that starts afresh (Clean Start): runs on the id's
 * {@link SessionRecords} entry and removes the record unless it names the live node the id was
 * claimed from, which hands its session over and deletes its record itself. Any other record is
 * of a session nobody will hand over: a lost node's (also one this node does not know as lost
 * yet: the adopter may have dropped that node's owner entries first), or one whose record
 * lagged behind a move. Returns the node the removed record named, or null. Neither the adopter
 * nor a later claim then continues that session.
 */
final class LostSessionEnd implements EntryProcessor<String, String, String> {

    private static final long serialVersionUID = 1L;

    private final HashSet<String> liveNodes;
    /** The node the id was claimed from (null: none). */
    private final String keeper;

    /**
     * @param liveNodes the live nodes, the claiming one included
     * @param keeper    the node the id was claimed from, or null
     */
    LostSessionEnd(Set<String> liveNodes, String keeper) {
        this.liveNodes = new HashSet<>(liveNodes);
        this.keeper = keeper;
    }

    /** Whether a Clean Start claim from {@code keeper} ends a record naming {@code recordNode}. */
    static boolean ends(String recordNode, String keeper, Set<String> liveNodes) {
        return !(recordNode.equals(keeper) && liveNodes.contains(keeper));
    }

    @Override
    public String process(Map.Entry<String, String> record) {
        if (record.getValue() == null) {
            return null;
        }
        String node = SessionRecords.Value.parse(record.getValue()).node();
        if (!ends(node, keeper, liveNodes)) {
            return null;
        }
        record.setValue(null);
        return node;
    }
}
