package io.starling.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.starling.concurrent.DaemonThreads;
import io.starling.spi.DeliveryTarget;
import io.starling.spi.QueuedMessage;
import io.starling.spi.SessionContinuedElsewhereException;
import io.starling.spi.StoredMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster's copy of every persistent session's queue, so that a node continuing a lost
 * node's session has every message that node acknowledged to its publishers, in order, with
 * the packet ids and QoS 2 state the client knows: the IMap {@code starling.queues} (client id
 * to {@link QueueReplica}, kept as objects, one synchronous backup). Only the node that owns a
 * session's copy changes it; a node takes the copy over when it continues the session (from its
 * record, or handed over), so a late change from the node it left is refused.
 */
final class QueueReplicas {

    static final String MAP = "starling.queues";

    private final String nodeId;
    private final Duration timeout;
    private final boolean enabled;
    /** Orders each session's copy; kept above every sequence of a copy taken over. */
    private final AtomicLong sequences = new AtomicLong(System.currentTimeMillis() << 20);

    /** Hazelcast answers its calls in any order; these complete in the order they were called. */
    private final ExecutorService completer =
            Executors.newSingleThreadExecutor(DaemonThreads.named("starling-cluster-copy"));

    private final CallOrder appends = new CallOrder(completer);
    private final CallOrder releases = new CallOrder(completer);

    private volatile IMap<String, QueueReplica> map;
    private volatile boolean closed;

    /**
     * @param timeout how long a change or take may wait ({@link HazelcastSettings#publishTimeout}):
     *     the copy's partition may be on a node that does not answer (frozen) until it is
     *     declared lost and the partition moves to its backup
     * @param enabled {@code starling.cluster.hazelcast.replicate-queues}: if not, nothing is
     *     copied or taken
     */
    QueueReplicas(String nodeId, Duration timeout, boolean enabled) {
        this.nodeId = nodeId;
        this.timeout = timeout;
        this.enabled = enabled;
    }

    void start(IMap<String, QueueReplica> replicas) {
        if (enabled) {
            this.map = replicas;
        }
    }

    /**
     * Whether sessions' queues are copied: then a node that continues a session of a lost node
     * has its messages, and the messages that node stored are not handed over when it returns.
     */
    boolean enabled() {
        return enabled;
    }

    void close() {
        closed = true;
        completer.shutdown();
    }

    /**
     * The message joins the copies of the targets' queues. Completes with the targets whose copy
     * another node holds (their session continued there while this node was cut off or frozen):
     * the copy of this node's session is stale, and the node holding the session gets the
     * message by its own route.
     */
    CompletionStage<Set<String>> appended(StoredMessage message, Collection<DeliveryTarget> targets) {
        IMap<String, QueueReplica> replicas = map;
        if (replicas == null || closed) {
            return CompletableFuture.completedFuture(Set.of());
        }
        HashMap<String, Integer> flags = new HashMap<>();
        for (DeliveryTarget target : targets) {
            flags.put(target.clientId(), target.qos() | (target.retain() ? Change.RETAIN : 0));
        }
        Change change =
                Change.append(nodeId, message.id(), Wire.encodeMessage(message), flags, sequences.incrementAndGet());
        String only = flags.size() == 1 ? flags.keySet().iterator().next() : null;
        CompletionStage<Map<String, Object>> applied = only != null
                ? answered(replicas.submitToKey(only, change)).thenApply(accepted -> Map.of(only, accepted))
                : answered(replicas.submitToKeys(flags.keySet(), change));
        CompletableFuture<Set<String>> stored = timed(applied).thenApply(answers -> {
            Set<String> elsewhere = new HashSet<>();
            answers.forEach((clientId, accepted) -> {
                if (!Boolean.TRUE.equals(accepted)) {
                    elsewhere.add(clientId);
                }
            });
            return elsewhere;
        });
        // A publisher's acknowledgements go out in the order of its messages [MQTT-4.6.0-2].
        return appends.after(stored.thenApply(elsewhere -> (Void) null)).thenApply(ignored -> stored.join());
    }

    /** Fails with {@link SessionContinuedElsewhereException} if another node holds the copy. */
    CompletionStage<Void> sent(String clientId, long messageId, int packetId) {
        return ownedChange(clientId, Change.of(Change.Kind.SENT, nodeId, messageId, packetId));
    }

    /**
     * In call order, as PUBREL waits for it: Paho hands a QoS 2 message over at PUBREL. Fails
     * with {@link SessionContinuedElsewhereException} if another node holds the copy.
     */
    CompletionStage<Void> released(String clientId, long messageId) {
        return releases.after(ownedChange(clientId, Change.of(Change.Kind.RELEASED, nodeId, messageId, 0))
                .toCompletableFuture());
    }

    CompletionStage<Void> removed(String clientId, long messageId) {
        return change(clientId, Change.of(Change.Kind.REMOVE, nodeId, messageId, 0));
    }

    /** A new session of the client starts here: the copy is this node's, and empty. */
    CompletionStage<Void> startedAfresh(String clientId) {
        return reset(clientId, List.of());
    }

    /** This node keeps the session with these messages (restored from its store): the copy is set to them. */
    CompletionStage<Void> reset(String clientId, List<QueuedMessage> messages) {
        ArrayList<QueueReplica.Item> items = new ArrayList<>(messages.size());
        for (QueuedMessage queued : messages) {
            QueueReplica.Item item = new QueueReplica.Item(
                    queued.message().id(),
                    Wire.encodeMessage(queued.message()),
                    queued.qos(),
                    queued.message().retain(),
                    sequences.incrementAndGet());
            item.packetId = queued.packetId();
            item.released = queued.released();
            items.add(item);
        }
        return change(clientId, Change.reset(nodeId, items));
    }

    /** The session ended here: its copy goes, if it is still this node's. */
    CompletionStage<Void> deleted(String clientId) {
        return change(clientId, Change.of(Change.Kind.DELETE, nodeId, 0, 0));
    }

    /**
     * The session of lost node {@code lostNode} ended (its client started afresh elsewhere): its
     * copy goes, if that node still owns it (not once a new session of the id has set its own).
     */
    CompletionStage<Void> endedOnLostNode(String clientId, String lostNode) {
        return change(clientId, Change.of(Change.Kind.DELETE, lostNode, 0, 0));
    }

    /**
     * The session continues here: its copy becomes this node's (changes from the node it was on
     * are refused from now on). Completes with its messages in queue order, in flight first as
     * they were sent; empty without a copy.
     */
    CompletionStage<List<QueuedMessage>> take(String clientId) {
        return takeOver(clientId, Change.Kind.TAKE).thenApply(answer -> {
            if (answer == null) {
                return List.of();
            }
            QueueReplica taken = (QueueReplica) answer;
            List<QueuedMessage> messages = new ArrayList<>(taken.items.size());
            for (QueueReplica.Item item : taken.ordered()) {
                messages.add(item.toQueued());
            }
            sequences.accumulateAndGet(taken.lastSequence(), Math::max);
            return messages;
        });
    }

    /**
     * As {@link #take}, without the messages: the session's queue comes from the node it leaves
     * (a hand-over between live nodes), and is in the copy already (that node appended it).
     */
    CompletionStage<Void> own(String clientId) {
        return takeOver(clientId, Change.Kind.OWN).thenAccept(last -> {
            if (last != null) {
                sequences.accumulateAndGet((Long) last, Math::max);
            }
        });
    }

    /**
     * Makes the copy this node's ({@code kind} TAKE or OWN); completes with the owner's answer,
     * or null when queues are not copied.
     */
    private CompletionStage<Object> takeOver(String clientId, Change.Kind kind) {
        return changed(clientId, Change.of(kind, nodeId, 0, 0));
    }

    private CompletionStage<Void> change(String clientId, Change change) {
        return changed(clientId, change).thenApply(ignored -> null);
    }

    /** A change only the copy's owner may make: refused, the session here is stale. */
    private CompletionStage<Void> ownedChange(String clientId, Change change) {
        return changed(clientId, change).thenAccept(answer -> {
            if (Boolean.FALSE.equals(answer)) {
                throw new SessionContinuedElsewhereException(clientId);
            }
        });
    }

    private CompletionStage<Object> changed(String clientId, Change change) {
        IMap<String, QueueReplica> replicas = map;
        if (replicas == null || closed) {
            return CompletableFuture.completedFuture(null);
        }
        return timed(answered(replicas.submitToKey(clientId, change)));
    }

    /**
     * The call's answer in a plain future, completed on Hazelcast's callback executor
     * ({@link CallbackThreads}), never on the thread that received the answer: what follows an
     * answer may call Hazelcast again, which its response threads must not do
     * ({@code IllegalThreadStateException}: a session continued from a lost node failed to set up
     * in the fault run when this ran on the response thread).
     */
    private static <T> CompletableFuture<T> answered(CompletionStage<T> call) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        call.whenComplete((value, failure) -> {
            if (failure != null) {
                answer.completeExceptionally(failure);
            } else {
                answer.complete(value);
            }
        });
        return answer;
    }

    private <T> CompletableFuture<T> timed(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One change to a session's copy, applied on the key's partition owner and, the same, on its backup. */
    static final class Change implements EntryProcessor<String, QueueReplica, Object> {

        private static final long serialVersionUID = 1L;
        /** In an append's flags: the target gets the message with RETAIN 1. */
        static final int RETAIN = 4;

        enum Kind {
            APPEND,
            SENT,
            RELEASED,
            REMOVE,
            TAKE,
            OWN,
            RESET,
            DELETE
        }

        private final Kind kind;
        private final String node;
        private final long messageId;
        private final int packetId;
        private final byte[] message;
        /** APPEND: client id to QoS, plus {@link #RETAIN}. */
        private final HashMap<String, Integer> flags;

        private final long sequence;
        private final ArrayList<QueueReplica.Item> items;
        /** False on the backup, whose answer nobody reads: a take then copies nothing to answer. */
        private boolean answers = true;

        private Change(
                Kind kind,
                String node,
                long messageId,
                int packetId,
                byte[] message,
                HashMap<String, Integer> flags,
                long sequence,
                ArrayList<QueueReplica.Item> items) {
            this.kind = kind;
            this.node = node;
            this.messageId = messageId;
            this.packetId = packetId;
            this.message = message;
            this.flags = flags;
            this.sequence = sequence;
            this.items = items;
        }

        static Change of(Kind kind, String node, long messageId, int packetId) {
            return new Change(kind, node, messageId, packetId, null, null, 0, null);
        }

        static Change append(
                String node, long messageId, byte[] message, HashMap<String, Integer> flags, long sequence) {
            return new Change(Kind.APPEND, node, messageId, 0, message, flags, sequence, null);
        }

        static Change reset(String node, ArrayList<QueueReplica.Item> items) {
            return new Change(Kind.RESET, node, 0, 0, null, null, 0, items);
        }

        /** The same change, without the owner's answer (a whole queue's copy for a take). */
        @Override
        public EntryProcessor<String, QueueReplica, Object> getBackupProcessor() {
            if (kind != Kind.TAKE && kind != Kind.OWN) {
                return this;
            }
            Change backup = new Change(kind, node, messageId, packetId, message, flags, sequence, items);
            backup.answers = false;
            return backup;
        }

        @Override
        public Object process(Map.Entry<String, QueueReplica> entry) {
            QueueReplica replica = entry.getValue();
            switch (kind) {
                case TAKE, OWN -> {
                    QueueReplica taken = replica == null ? new QueueReplica(node) : replica;
                    // A node that handed the session over live may still append what it had routed;
                    // one that is lost or silent (TAKE) may not.
                    taken.handedOverBy = kind == Kind.OWN && !taken.owner.equals(node) ? taken.owner : null;
                    taken.owner = node;
                    entry.setValue(taken);
                    if (!answers) {
                        return null;
                    }
                    return kind == Kind.TAKE ? taken.copy() : Long.valueOf(taken.lastSequence());
                }
                case RESET -> {
                    QueueReplica fresh = new QueueReplica(node);
                    for (QueueReplica.Item item : items) {
                        fresh.items.put(item.messageId, item);
                    }
                    entry.setValue(fresh);
                    return Boolean.TRUE;
                }
                case APPEND -> {
                    if (replica == null) {
                        replica = new QueueReplica(node);
                    } else if (!replica.appendsFrom(node)) {
                        return Boolean.FALSE;
                    }
                    int flag = flags.get(entry.getKey());
                    replica.append(new QueueReplica.Item(messageId, message, flag & 3, (flag & RETAIN) != 0, sequence));
                    entry.setValue(replica);
                    return Boolean.TRUE;
                }
                default -> {
                    return changeOwned(entry, replica);
                }
            }
        }

        /**
         * SENT, RELEASED, REMOVE, DELETE: only the owner's; false if another node owns the copy,
         * null if there is none (a session that started before its node copied queues).
         */
        private Boolean changeOwned(Map.Entry<String, QueueReplica> entry, QueueReplica replica) {
            if (replica == null) {
                return null;
            }
            if (!replica.owner.equals(node)) {
                return Boolean.FALSE;
            }
            if (kind == Kind.DELETE) {
                entry.setValue(null);
                return Boolean.TRUE;
            }
            if (kind == Kind.REMOVE) {
                replica.remove(messageId);
            } else if (kind == Kind.SENT) {
                replica.sent(messageId, packetId);
            } else {
                replica.released(messageId);
            }
            entry.setValue(replica);
            return Boolean.TRUE;
        }
    }
}
