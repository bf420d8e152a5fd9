package io.starling.cluster.hazelcast;

import io.starling.spi.QueuedMessage;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Messages relayed to sessions of this node that a lost node may have stored as well: forwards
 * it had been sent but had not acknowledged when it died. Should it return and hand over what
 * it stored for those sessions, these are left out, so they are not delivered twice. Kept in
 * memory, the oldest dropped beyond a bound (the in-flight forwards at a node's death are few).
 */
final class InDoubtMessages {

    private static final int MAX = 100_000;

    private record Key(String clientId, long id, String topic) {}

    private final Map<Key, Boolean> keys = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
            return size() > MAX;
        }
    };

    synchronized void add(Set<String> clientIds, StoredMessage message) {
        for (String clientId : clientIds) {
            keys.put(new Key(clientId, message.id(), message.topic()), Boolean.TRUE);
        }
    }

    /**
     * Removes and returns the client's keys, as text, to go with its session to another node
     * ({@link #received}); NUL separates id and topic (MQTT forbids it in topic names).
     */
    synchronized Set<String> take(String clientId) {
        Set<String> taken = new HashSet<>();
        keys.keySet().removeIf(key -> {
            if (!key.clientId().equals(clientId)) {
                return false;
            }
            taken.add(key.id() + "\u0000" + key.topic());
            return true;
        });
        return taken;
    }

    /** Keys {@link #take}n on the node the client's session came from. */
    synchronized void received(String clientId, Set<String> taken) {
        for (String text : taken) {
            int separator = text.indexOf('\u0000');
            keys.put(
                    new Key(clientId, Long.parseLong(text.substring(0, separator)), text.substring(separator + 1)),
                    Boolean.TRUE);
        }
    }

    /** The handed-over messages of the client without those relayed to it already (forgotten then). */
    synchronized List<QueuedMessage> notRelayed(String clientId, List<QueuedMessage> handedOver) {
        if (keys.isEmpty()) {
            return handedOver;
        }
        List<QueuedMessage> kept = new ArrayList<>(handedOver.size());
        for (QueuedMessage queued : handedOver) {
            StoredMessage message = queued.message();
            if (keys.remove(new Key(clientId, message.id(), message.topic())) == null) {
                kept.add(queued);
            }
        }
        return kept;
    }
}
