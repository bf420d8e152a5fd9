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
 * and the inbound QoS 2 ids are kept under the same key, so in the same partition), reads what
 * the new connection needs of the session it displaces. Each Hazelcast call of a CONNECT costs
 * node CPU on both ends; a failover storm is thousands of them at once (docs/CLUSTER.md, "What a
 * reconnect costs").
 *
 * <ul>
 * <li>{@link #continuing}: the client continues its session (Clean Start 0); the result carries
 *     the session's record and inbound QoS 2 ids, in case the session has to continue from them
 *     (its node is lost).</li>
 * <li>{@link #fresh}: the client starts a new session (Clean Start 1); the result carries the
 *     record only if no live node will hand that session over (a lost node's persistent
 *     session, mostly), which the claiming node then ends ({@link LostSessionEnd}, a second
 *     call).</li>
 * </ul>
 *
 * Only reads are made of the other maps: a read of this partition runs here, on this partition
 * thread, at once, while a write would wait on this thread for its backup on another member,
 * whose partition threads may be waiting the same way for this one (storms of claims then
 * stall for Hazelcast's backup timeout). The backup replicas apply only the claim
 * ({@link #getBackupProcessor}).
 */
final class ConnectClaim implements EntryProcessor<String, String, ConnectClaim.Result>, HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;

    /** What the claim found: the previous owner entry and what it read of the session. */
    record Result(String previousOwner, String record, String inboundQos2) implements Serializable {

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
     * A claim by a client that starts afresh: brings back the id's record if the claiming node
     * is to end it (see {@link LostSessionEnd#ends}; {@code liveNodes} includes this node), and
     * nothing else.
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
            case CLAIM_ONLY -> new Result(previous, null, null);
            case CONTINUING ->
                new Result(
                        previous,
                        map(SessionRecords.MAP).get(clientId),
                        map(InboundQos2Records.MAP).get(clientId));
            case FRESH -> new Result(previous, recordToEnd(clientId, previous), null);
        };
    }

    /** The record of the id if a Clean Start claim from the previous owner ends it ({@link LostSessionEnd}). */
    private String recordToEnd(String clientId, String previous) {
        String record = map(SessionRecords.MAP).get(clientId);
        String keeper =
                previous == null ? null : ClaimProcessor.Owner.parse(previous).node();
        return record == null
                        || !LostSessionEnd.ends(
                                SessionRecords.Value.parse(record).node(), keeper, liveNodes)
                ? null
                : record;
    }

    /**
     * Another map of the same partitions: an operation on this key's partition runs here, on
     * this partition thread, without a network call.
     */
    private IMap<String, String> map(String name) {
        return instance.getMap(name);
    }

    @Override
    public EntryProcessor<String, String, Result> getBackupProcessor() {
        return new ConnectClaim(Kind.CLAIM_ONLY, node, null);
    }
}
