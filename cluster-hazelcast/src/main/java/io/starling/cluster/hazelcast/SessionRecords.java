package io.starling.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import io.starling.spi.SessionExpiry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cluster's copy of persistent sessions, for the case their node is lost: the IMap
 * {@code starling.sessions} maps a client id to {@code node, L+lease, [E+interval:offline since,]
 * qos+filter, qos+filter, ...} (the Session Expiry, see {@link io.starling.spi.SessionExpiry}, only
 * for a session that expires; the QoS with the subscription's options, {@link io.starling.spi.SubscriptionOptions}, see
 * {@link Value#format}; separated by NUL, which MQTT forbids in topic filters; the lease is the packet-id
 * position up to which the session's node may use ids, see {@code ClusterBus.leasePacketIds}).
 * Only the node named in a record changes or removes it, so a late delete from the node that
 * handed a session over never removes the record the new node wrote; a lease only grows,
 * whoever writes it.
 */
final class SessionRecords {

    static final String MAP = "starling.sessions";
    private static final char SEPARATOR = '\u0000';
    private static final char LEASE = 'L';
    /** Not a character that starts a subscription's options (those are '0' to '?' and {@value #WIDE}). */
    private static final char EXPIRY = 'E';

    private static final char EXPIRY_SEPARATOR = ':';
    private static final char ZERO = '0';
    private static final int NARROW_LIMIT = 16;
    private static final char WIDE = '~';
    private static final int WIDE_DIGITS = 8;

    private SessionRecords() {}

    /** A record: its node, its packet-id lease (0: none yet), its subscriptions and when it expires. */
    record Value(String node, long leasedTo, Map<String, Integer> subscriptions, SessionExpiry expiry) {

        /** A session that never expires. */
        Value(String node, long leasedTo, Map<String, Integer> subscriptions) {
            this(node, leasedTo, subscriptions, SessionExpiry.NEVER);
        }

        Value with(String newNode, long newLease, Map<String, Integer> newSubscriptions) {
            return new Value(newNode, newLease, newSubscriptions, expiry);
        }

        static Value parse(String text) {
            String[] parts = text.split(String.valueOf(SEPARATOR), -1);
            int first = 1;
            long leasedTo = 0;
            if (parts.length > 1 && !parts[1].isEmpty() && parts[1].charAt(0) == LEASE) {
                leasedTo = Long.parseLong(parts[1].substring(1));
                first = 2;
            }
            SessionExpiry expiry = SessionExpiry.NEVER;
            if (parts.length > first && !parts[first].isEmpty() && parts[first].charAt(0) == EXPIRY) {
                String[] fields = parts[first].substring(1).split(String.valueOf(EXPIRY_SEPARATOR));
                expiry = new SessionExpiry(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
                first++;
            }
            Map<String, Integer> subscriptions = new LinkedHashMap<>();
            for (int i = first; i < parts.length; i++) {
                String part = parts[i];
                if (part.charAt(0) == WIDE) {
                    int end = 1 + WIDE_DIGITS;
                    subscriptions.put(part.substring(end), Integer.parseUnsignedInt(part.substring(1, end), 16));
                } else {
                    subscriptions.put(part.substring(1), part.charAt(0) - ZERO);
                }
            }
            return new Value(parts[0], leasedTo, subscriptions, expiry);
        }

        /**
         * A subscription's options: one character as far above '0' as their value while it is
         * below 16 (the digit of the QoS, as records held before MQTT 5), else {@value #WIDE}
         * and eight hexadecimal digits (a Subscription Identifier).
         */
        private static void appendOptions(StringBuilder text, int options) {
            if (options >= 0 && options < NARROW_LIMIT) {
                text.append((char) (ZERO + options));
            } else {
                String hex = Integer.toHexString(options);
                text.append(WIDE).append("0".repeat(WIDE_DIGITS - hex.length())).append(hex);
            }
        }

        String format() {
            StringBuilder text =
                    new StringBuilder(node).append(SEPARATOR).append(LEASE).append(leasedTo);
            if (!expiry.never()) {
                text.append(SEPARATOR)
                        .append(EXPIRY)
                        .append(expiry.intervalSeconds())
                        .append(EXPIRY_SEPARATOR)
                        .append(expiry.offlineSince());
            }
            subscriptions.forEach((filter, options) -> {
                text.append(SEPARATOR);
                appendOptions(text, options);
                text.append(filter);
            });
            return text.toString();
        }
    }

    /** One change to a record, applied on the key's partition owner. */
    static final class Change implements EntryProcessor<String, String, Void> {

        private static final long serialVersionUID = 1L;

        private enum Kind {
            SAVE,
            SUBSCRIBE,
            UNSUBSCRIBE,
            DELETE,
            LEASE,
            EXPIRY
        }

        private final Kind kind;
        private final String node;
        private final String filter;
        private final int qos;
        private final LinkedHashMap<String, Integer> subscriptions;
        private final long leasedTo;
        /** The Session Expiry of SAVE and EXPIRY, as two longs (the record type is not serializable). */
        private final long expiryInterval;

        private final long expiryOfflineSince;

        private Change(
                Kind kind,
                String node,
                String filter,
                int qos,
                Map<String, Integer> subscriptions,
                long leasedTo,
                SessionExpiry expiry) {
            this.kind = kind;
            this.node = node;
            this.filter = filter;
            this.qos = qos;
            this.subscriptions = subscriptions == null ? null : new LinkedHashMap<>(subscriptions);
            this.leasedTo = leasedTo;
            this.expiryInterval = expiry.intervalSeconds();
            this.expiryOfflineSince = expiry.offlineSince();
        }

        private Change(Kind kind, String node, String filter, int qos) {
            this(kind, node, filter, qos, null, 0, SessionExpiry.NEVER);
        }

        /** The session is (now) the node's, with these subscriptions and expiry; its lease stays. */
        static Change save(String node, Map<String, Integer> subscriptions, SessionExpiry expiry) {
            return new Change(Kind.SAVE, node, null, 0, subscriptions, 0, expiry);
        }

        static Change subscribe(String node, String filter, int qos) {
            return new Change(Kind.SUBSCRIBE, node, filter, qos);
        }

        static Change unsubscribe(String node, String filter) {
            return new Change(Kind.UNSUBSCRIBE, node, filter, 0);
        }

        static Change delete(String node) {
            return new Change(Kind.DELETE, node, null, 0);
        }

        /** The session's node may use packet ids up to this position (never lowers the lease). */
        static Change lease(long leasedTo) {
            return new Change(Kind.LEASE, null, null, 0, null, leasedTo, SessionExpiry.NEVER);
        }

        /** The session's expiry changed on its node. */
        static Change expiry(String node, SessionExpiry expiry) {
            return new Change(Kind.EXPIRY, node, null, 0, null, 0, expiry);
        }

        private SessionExpiry expiry() {
            return new SessionExpiry(expiryInterval, expiryOfflineSince);
        }

        @Override
        public Void process(Map.Entry<String, String> entry) {
            Value current = entry.getValue() == null ? null : Value.parse(entry.getValue());
            if (kind == Kind.SAVE) {
                entry.setValue(
                        new Value(node, current == null ? 0 : current.leasedTo(), subscriptions, expiry()).format());
                return null;
            }
            if (kind == Kind.LEASE) {
                if (current != null && current.leasedTo() < leasedTo) {
                    entry.setValue(current.with(current.node(), leasedTo, current.subscriptions())
                            .format());
                }
                return null;
            }
            if (current == null || !current.node().equals(node)) {
                if (kind == Kind.SUBSCRIBE && current == null) {
                    entry.setValue(new Value(node, 0, Map.of(filter, qos), SessionExpiry.NEVER).format());
                }
                return null;
            }
            if (kind == Kind.EXPIRY) {
                entry.setValue(new Value(node, current.leasedTo(), current.subscriptions(), expiry()).format());
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
            entry.setValue(current.with(node, current.leasedTo(), changed).format());
            return null;
        }
    }
}
