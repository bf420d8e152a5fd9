package io.starling.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import io.starling.spi.StoredMessage;
import java.util.Base64;
import java.util.Map;

/**
 * The wills of clients connected anywhere in the cluster, for the case their node is lost:
 * the IMap {@code starling.wills} maps a client id to {@code node|token|will}. A node removes
 * only the entry it wrote for that connection (same node and token).
 */
final class Wills {

    static final String MAP = "starling.wills";

    private Wills() {
    }

    static String value(String node, long token, StoredMessage will) {
        return prefix(node, token) + Base64.getEncoder().encodeToString(Wire.encode(
            new Wire.Frame(node, 0, java.util.List.of(Wire.Item.message(Wire.WILL, will)))));
    }

    static String prefix(String node, long token) {
        return node + "|" + token + "|";
    }

    static StoredMessage will(String value) {
        String encoded = value.substring(value.lastIndexOf('|') + 1);
        return Wire.decode(Base64.getDecoder().decode(encoded)).items().get(0).message();
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
