package io.starling.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cluster's copy of persistent sessions, for the case their node is lost: the IMap
 * {@code starling.sessions} maps a client id to {@code node, qos+filter, qos+filter, ...}
 * (separated by NUL, which MQTT forbids in topic filters). Only the node named in a record
 * changes or removes it, so a late delete from the node that handed a session over never
 * removes the record the new node wrote.
 */
final class SessionRecords {

    static final String MAP = "starling.sessions";
    private static final char SEPARATOR = '\u0000';

    private SessionRecords() {
    }

    /** A record: its node and its subscriptions. */
    record Value(String node, Map<String, Integer> subscriptions) {

        static Value parse(String text) {
            String[] parts = text.split(String.valueOf(SEPARATOR), -1);
            Map<String, Integer> subscriptions = new LinkedHashMap<>();
            for (int i = 1; i < parts.length; i++) {
                subscriptions.put(parts[i].substring(1), parts[i].charAt(0) - '0');
            }
            return new Value(parts[0], subscriptions);
        }

        String format() {
            StringBuilder text = new StringBuilder(node);
            subscriptions.forEach((filter, qos) -> text.append(SEPARATOR).append(qos).append(filter));
            return text.toString();
        }
    }

    /** One change to a record, applied on the key's partition owner. */
    static final class Change implements EntryProcessor<String, String, Void> {

        private static final long serialVersionUID = 1L;

        enum Kind { SAVE, SUBSCRIBE, UNSUBSCRIBE, DELETE }

        private final Kind kind;
        private final String node;
        private final String filter;
        private final int qos;
        private final LinkedHashMap<String, Integer> subscriptions;

        Change(Kind kind, String node, String filter, int qos, Map<String, Integer> subscriptions) {
            this.kind = kind;
            this.node = node;
            this.filter = filter;
            this.qos = qos;
            this.subscriptions = subscriptions == null ? null : new LinkedHashMap<>(subscriptions);
        }

        @Override
        public Void process(Map.Entry<String, String> entry) {
            Value current = entry.getValue() == null ? null : Value.parse(entry.getValue());
            if (kind == Kind.SAVE) {
                entry.setValue(new Value(node, subscriptions).format());
                return null;
            }
            if (current == null || !current.node().equals(node)) {
                if (kind == Kind.SUBSCRIBE && current == null) {
                    entry.setValue(new Value(node, Map.of(filter, qos)).format());
                }
                return null;
            }
            Map<String, Integer> changed = new LinkedHashMap<>(current.subscriptions());
            switch (kind) {
                case SUBSCRIBE -> changed.put(filter, qos);
                case UNSUBSCRIBE -> changed.remove(filter);
                case DELETE -> {
                    entry.setValue(null);
                    return null;
                }
                default -> throw new IllegalStateException();
            }
            entry.setValue(new Value(node, changed).format());
            return null;
        }
    }
}
