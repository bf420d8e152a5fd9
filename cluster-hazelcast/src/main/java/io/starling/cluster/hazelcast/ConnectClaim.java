package io.starling.cluster.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import java.io.Serializable;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The claim of a client id for a CONNECT, in one Hazelcast call: on the id's partition owner it
 * claims the id as {@link ClaimProcessor} does and, in the same partition (the session record
 * and the inbound QoS 2 ids are kept under the same key, so in the same partition), does what
 * the new connection needs of the session it displaces. Each Hazelcast call of a CONNECT costs
 * node CPU on both ends; a failover storm is thousands of them at once (docs/CLUSTER.md, "What a
 * reconnect costs").
 *
 * <ul>
 * <li>{@link #continuing}: the client continues its session (Clean Start 0); the result carries
 *     the session's record and inbound QoS 2 ids, in case the session has to continue from them
 *     (its node is lost).</li>
 * <li>{@link #fresh}: the client starts a new session (Clean Start 1) and reads nothing; a lost
 *     node's persistent session of the id ends ({@link LostSessionEnd}), and the result names
 *     that lost node.</li>
 * </ul>
 *
 * The backup replicas apply only the claim ({@link #getBackupProcessor}): the other maps'
 * changes have backups of their own.
 */
final class ConnectClaim implements EntryProcessor<String, String, ConnectClaim.Result>, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;

    /** What the claim found: the previous owner entry and what it read or ended of the session. */
    record Result(String previousOwner, String record, String inboundQos2, String endedLostNode)
            implements Serializable {

        ClaimProcessor.Owner previous() {
            return previousOwner == null ? null : ClaimProcessor.Owner.parse(previousOwner);
        }
    }

    private enum Kind {
        CLAIM_ONLY,
        CONTINUING,
        FRESH
    }

    private final Kind kind;
    private final String node;
    /** The live nodes, this one included ({@link Kind#FRESH} only). */
    private final HashSet<String> liveNodes;

    private transient HazelcastInstance instance;

    private ConnectClaim(Kind kind, String node, Set<String> liveNodes) {
        this.kind = kind;
        this.node = node;
        this.liveNodes = liveNodes == null ? null : new HashSet<>(liveNodes);
    }

    /** A claim by a client that continues its session: the record and QoS 2 ids come with it. */
    static ConnectClaim continuing(String node) {
        return new ConnectClaim(Kind.CONTINUING, node, null);
    }

    /**
     * A claim by a client that starts afresh: ends a persistent session of a node not in
     * {@code liveNodes} (this node must be one of them).
     */
    static ConnectClaim fresh(String node, Set<String> liveNodes) {
        return new ConnectClaim(Kind.FRESH, node, liveNodes);
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.instance = hazelcastInstance;
    }

    @Override
    public Result process(Map.Entry<String, String> entry) {
        String previous = new ClaimProcessor(node).process(entry);
        String clientId = entry.getKey();
        return switch (kind) {
            case CLAIM_ONLY -> new Result(previous, null, null, null);
            case CONTINUING ->
                new Result(
                        previous,
                        map(SessionRecords.MAP).get(clientId),
                        map(InboundQos2Records.MAP).get(clientId),
                        null);
            case FRESH ->
                new Result(
                        previous,
                        null,
                        null,
                        map(SessionRecords.MAP).executeOnKey(clientId, new LostSessionEnd(liveNodes)));
        };
    }

    /**
     * Another map's entry of the same key: its partition is the one this runs on, so Hazelcast
     * runs the operation here, on this partition thread, without a network call.
     */
    private IMap<String, String> map(String name) {
        return instance.getMap(name);
    }

    @Override
    public EntryProcessor<String, String, Result> getBackupProcessor() {
        return new ConnectClaim(Kind.CLAIM_ONLY, node, null);
    }
}
