package io.starling.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * The QoS 2 packet ids that persistent sessions' clients sent and that await PUBREL, kept in
 * the IMap {@code starling.inbound-qos2} (client id to the ids, comma-separated): a node that
 * continues a lost node's session takes a resent PUBLISH with one of them as the message it
 * already routed, so a QoS 2 publisher of a lost node does not get its message delivered twice.
 * One map write per QoS 2 message before PUBREC, one when its PUBREL comes.
 */
final class InboundQos2Records {

    static final String MAP = "starling.inbound-qos2";

    private volatile IMap<String, String> map;

    void start(IMap<String, String> records) {
        this.map = records;
    }

    /** Completes when the id is recorded for the client. */
    CompletionStage<Void> received(String clientId, int packetId) {
        IMap<String, String> records = map;
        return records == null
                ? CompletableFuture.completedFuture(null)
                : records.submitToKey(clientId, new Change(packetId, true)).thenApply(ignored -> null);
    }

    void released(String clientId, int packetId) {
        IMap<String, String> records = map;
        if (records != null) {
            records.submitToKey(clientId, new Change(packetId, false));
        }
    }

    void cleared(String clientId) {
        IMap<String, String> records = map;
        if (records != null) {
            records.removeAsync(clientId);
        }
    }

    /** The client's ids awaiting PUBREL. */
    CompletionStage<Set<Integer>> idsOf(String clientId) {
        return textOf(clientId).thenApply(InboundQos2Records::parse);
    }

    /** The client's entry as the map holds it (null: none), for {@link #parse}. */
    CompletionStage<String> textOf(String clientId) {
        IMap<String, String> records = map;
        return records == null ? CompletableFuture.completedFuture(null) : records.getAsync(clientId);
    }

    /** The ids of an entry of the map (null: none). */
    static Set<Integer> parse(String text) {
        if (text == null || text.isEmpty()) {
            return new TreeSet<>();
        }
        return Arrays.stream(text.split(",")).map(Integer::valueOf).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Adds or removes one id, on the key's partition owner. */
    static final class Change implements EntryProcessor<String, String, Void> {

        private static final long serialVersionUID = 1L;

        private final int packetId;
        private final boolean add;

        Change(int packetId, boolean add) {
            this.packetId = packetId;
            this.add = add;
        }

        @Override
        public Void process(Map.Entry<String, String> entry) {
            Set<Integer> ids = parse(entry.getValue());
            if (add ? ids.add(packetId) : ids.remove(packetId)) {
                entry.setValue(
                        ids.isEmpty() ? null : ids.stream().map(String::valueOf).collect(Collectors.joining(",")));
            }
            return null;
        }
    }
}
