package io.starling.cluster.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Ends the persistent session a lost node had for a client id that starts afresh: runs on the
 * id's {@link SessionRecords} entry and, if the record names a node that is not live, removes it
 * and the id's inbound QoS 2 ids (same key, same partition: reached here without a network
 * call). Returns the lost node, or null if there was nothing to end. Neither the adopter nor a
 * later claim then continues that session.
 */
final class LostSessionEnd implements EntryProcessor<String, String, String>, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;

    private final HashSet<String> liveNodes;
    /** On a backup replica only the record changes: the QoS 2 map's change has its own backup. */
    private final boolean backup;

    private transient HazelcastInstance instance;

    /** @param liveNodes the live nodes, the claiming one included */
    LostSessionEnd(Set<String> liveNodes) {
        this(liveNodes, false);
    }

    private LostSessionEnd(Set<String> liveNodes, boolean backup) {
        this.liveNodes = new HashSet<>(liveNodes);
        this.backup = backup;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.instance = hazelcastInstance;
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
        if (!backup) {
            instance.getMap(InboundQos2Records.MAP).delete(record.getKey());
        }
        return node;
    }

    @Override
    public EntryProcessor<String, String, String> getBackupProcessor() {
        return new LostSessionEnd(liveNodes, true);
    }
}
