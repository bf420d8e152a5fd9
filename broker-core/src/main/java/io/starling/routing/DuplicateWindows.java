package io.starling.routing;

import io.starling.spi.StoredMessage;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messages already delivered to sessions that continue a lost node's sessions, while one
 * message can reach them by two ways: the normal routes, and the lost node's forwards relayed
 * by the node that took its sessions over. While a session's window is open a message is let
 * through to it once; nothing is kept for other sessions or after the window closed.
 */
public final class DuplicateWindows {

    /** Message ids are unique per node; with the topic, copies of one message are told apart from others. */
    private record Key(long id, String topic) {}

    private final Map<String, Set<Key>> open = new ConcurrentHashMap<>();

    public void open(String clientId) {
        open.putIfAbsent(clientId, ConcurrentHashMap.newKeySet());
    }

    public void close(Collection<String> clientIds) {
        clientIds.forEach(open::remove);
    }

    /** True unless the client's window is open and the message came through it already. */
    public boolean firstDelivery(String clientId, StoredMessage message) {
        if (open.isEmpty()) {
            return true;
        }
        Set<Key> delivered = open.get(clientId);
        return delivered == null || delivered.add(new Key(message.id(), message.topic()));
    }
}
