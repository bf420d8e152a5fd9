package io.starling.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.starling.spi.StoredMessage;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wills of clients connected anywhere in the cluster, for the case their node is lost:
 * the IMap {@code starling.wills} maps a client id to {@code node|token|will}. A node removes
 * only the entry it wrote for that connection (same node and token). The node that takes a
 * lost node over publishes its wills ({@link #publishWillsOf}).
 */
final class Wills {

    static final String MAP = "starling.wills";
    private static final Logger LOG = LoggerFactory.getLogger(Wills.class);

    /** A will this node put into the map, with the token of its entry. */
    private record LocalWill(StoredMessage will, long token) {}

    private final String nodeId;
    /** Numbers unique on this node: the tokens of entries, and the ids of published wills. */
    private final LongSupplier tokens;

    private final Map<String, LocalWill> local = new ConcurrentHashMap<>();
    private volatile IMap<String, String> map;

    Wills(String nodeId, LongSupplier tokens) {
        this.nodeId = nodeId;
        this.tokens = tokens;
    }

    void start(IMap<String, String> willMap) {
        this.map = willMap;
    }

    /** A client with a will connected here: the cluster keeps its will. */
    void registered(String clientId, StoredMessage will) {
        IMap<String, String> wills = map;
        if (wills == null) {
            return;
        }
        LocalWill entry = new LocalWill(will, tokens.getAsLong());
        local.put(clientId, entry);
        wills.setAsync(clientId, value(nodeId, entry.token(), will));
    }

    /**
     * The connection that registered {@code will} ended here: its entry goes, unless a newer
     * connection of the id registered its own meanwhile. {@code mapUsable} is false while the
     * node shuts down (then only the local record goes).
     */
    void cleared(String clientId, StoredMessage will, boolean mapUsable) {
        IMap<String, String> wills = map;
        LocalWill entry = local.get(clientId);
        if (wills == null || entry == null || entry.will() != will || !local.remove(clientId, entry)) {
            return;
        }
        if (mapUsable) {
            wills.submitToKey(clientId, new RemoveIfOwned(prefix(nodeId, entry.token())));
        }
    }

    /**
     * Removes and returns (by client id) the wills of the clients that were connected to the
     * lost node. Each entry is removed with a compare-and-remove first, so a will is returned
     * to one node at most, even if several nodes do this.
     */
    Map<String, StoredMessage> takeWillsOf(String lostNode) {
        Map<String, StoredMessage> taken = new LinkedHashMap<>();
        IMap<String, String> wills = map;
        for (Map.Entry<String, String> entry : wills.entrySet(Predicates.like("this", lostNode + "|%"))) {
            if (wills.remove(entry.getKey(), entry.getValue())) {
                taken.put(entry.getKey(), will(entry.getValue()));
            }
        }
        return taken;
    }

    /**
     * Publishes the wills of the clients that were connected to the lost node, as that node
     * would have when their connections ended (each at most once, see {@link #takeWillsOf}):
     * each as a new message of this node, retain flag and all, to {@code publish}.
     */
    void publishWillsOf(String lostNode, Consumer<StoredMessage> publish) {
        try {
            int published = 0;
            for (Map.Entry<String, StoredMessage> entry : takeWillsOf(lostNode).entrySet()) {
                StoredMessage stored = entry.getValue();
                long now = System.currentTimeMillis();
                StoredMessage will = new StoredMessage(
                        (now << 20) + tokens.getAsLong(),
                        stored.topic(),
                        stored.qos(),
                        stored.retain(),
                        stored.payload(),
                        now);
                LOG.info(
                        "Publishing the will of client {} (connected to lost node {}) on '{}'.",
                        entry.getKey(),
                        lostNode,
                        will.topic());
                publish.accept(will);
                published++;
            }
            if (published > 0) {
                LOG.info("Published {} will(s) of clients of lost node {}.", published, lostNode);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not publish the wills of lost node {}: {}", lostNode, e.toString());
        }
    }

    static String value(String node, long token, StoredMessage will) {
        return prefix(node, token) + Base64.getEncoder().encodeToString(Wire.encodeMessage(will));
    }

    static String prefix(String node, long token) {
        return node + "|" + token + "|";
    }

    static StoredMessage will(String value) {
        String encoded = value.substring(value.lastIndexOf('|') + 1);
        return Wire.decodeMessage(Base64.getDecoder().decode(encoded));
    }

    /** Removes the entry if it still is the one with this prefix. */
    static final class RemoveIfOwned implements EntryProcessor<String, String, Void> {

        private static final long serialVersionUID = 1L;

        private final String prefix;

        RemoveIfOwned(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Void process(Map.Entry<String, String> entry) {
            if (entry.getValue() != null && entry.getValue().startsWith(prefix)) {
                entry.setValue(null);
            }
            return null;
        }
    }
}
