package io.starling.distribution.fault;

import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.eclipse.paho.client.mqttv3.MqttClientPersistence;
import org.eclipse.paho.client.mqttv3.MqttPersistable;
import org.eclipse.paho.client.mqttv3.MqttPersistenceException;

/**
 * Paho's client-side session state for one client id, shared by the successive {@code MqttClient}
 * objects a takeover creates. Paho hands an inbound QoS 2 message to the application only at
 * PUBREL and keeps it meanwhile under {@code r-<packet id>}; with a fresh persistence per object
 * a PUBREL arriving on the new object after a takeover would find nothing and the message would
 * be dropped by the client, not the broker. {@code close} keeps the entries for the next object
 * ({@code MemoryPersistence} clears them).
 *
 * <p>Every stored inbound QoS 2 PUBLISH is also reported ({@code onQos2Received}): the check can
 * then tell a message the client got but never saw released (PUBREC sent, no PUBREL) from one
 * that never arrived. For a publisher it tells whether a PUBLISH is still unacknowledged: Paho
 * keeps it under {@code s-<packet id>} (and its PUBREL under {@code sc-<packet id>}) from sending
 * to PUBACK or PUBCOMP, across reconnections, and sends it again on each one.
 */
final class SessionPersistence implements MqttClientPersistence {

    /** Paho's key prefix for a received QoS 2 PUBLISH (ClientState.PERSISTENCE_RECEIVED_PREFIX). */
    private static final String RECEIVED = "r-";
    /** Paho's key prefixes for a sent PUBLISH and its PUBREL (SENT_PREFIX, SENT_CONFIRM_PREFIX). */
    private static final String SENT = "s-";

    private static final String SENT_CONFIRM = "sc-";

    private final Map<String, MqttPersistable> entries = new ConcurrentHashMap<>();
    /** Called with the packet id and the payload of each stored inbound QoS 2 PUBLISH. */
    private final BiConsumer<Integer, byte[]> onQos2Received;

    private final AtomicInteger sentStored = new AtomicInteger();

    SessionPersistence(BiConsumer<Integer, byte[]> onQos2Received) {
        this.onQos2Received = onQos2Received;
    }

    @Override
    public void open(String clientId, String serverUri) {
        // One map for the client id, whichever node the object connects to.
    }

    @Override
    public void close() {
        // See the class comment: the next client object of this session reads the entries.
    }

    @Override
    public void put(String key, MqttPersistable persistable) throws MqttPersistenceException {
        entries.put(key, persistable);
        if (key.startsWith(SENT)) {
            sentStored.incrementAndGet();
        }
        if (key.startsWith(RECEIVED)) {
            onQos2Received.accept(Integer.parseInt(key.substring(RECEIVED.length())), persistable.getPayloadBytes());
        }
    }

    /** How many PUBLISHes Paho stored for sending so far (one more once a publish got that far). */
    int sentStored() {
        return sentStored.get();
    }

    /** Whether a PUBLISH is stored and not yet acknowledged (PUBACK, or PUBCOMP at QoS 2). */
    boolean hasUnacknowledged() {
        return entries.keySet().stream().anyMatch(key -> key.startsWith(SENT) || key.startsWith(SENT_CONFIRM));
    }

    @Override
    public MqttPersistable get(String key) {
        return entries.get(key);
    }

    @Override
    public void remove(String key) {
        entries.remove(key);
    }

    @Override
    public Enumeration<String> keys() {
        return Collections.enumeration(entries.keySet());
    }

    @Override
    public void clear() {
        entries.clear();
    }

    @Override
    public boolean containsKey(String key) {
        return entries.containsKey(key);
    }
}
