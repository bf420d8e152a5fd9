package io.starling.routing;

import io.starling.concurrent.Stages;
import io.starling.config.SharedSubscriptionSettings;
import io.starling.metrics.SharedGroupFigures;
import io.starling.session.DropLog;
import io.starling.session.Session;
import io.starling.session.SharedCopy;
import io.starling.spi.MessageQueueStore;
import io.starling.spi.StoredMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's shared subscription groups: a trie of the groups by their filter, so that a
 * published message reaches each matching group once, which gives it to one member
 * ({@link SharedGroup}). A group exists while it has members, online or offline.
 */
public final class SharedSubscriptions {

    private final SubscriptionTrie<SharedGroup> trie = new SubscriptionTrie<>();
    private final ConcurrentHashMap<String, SharedGroup> groups = new ConcurrentHashMap<>();
    private final SharedSubscriptionSettings settings;
    private final int maxQueued;
    private final DropLog drops;
    private final MessageQueueStore store;

    /**
     * @param maxQueued the bound of each group's queue ({@code max-queued-messages})
     * @param store     where each group's QoS 1/2 messages are kept under its {@code $share/...}
     *     name until a member is done with them
     */
    public SharedSubscriptions(
            SharedSubscriptionSettings settings, int maxQueued, DropLog drops, MessageQueueStore store) {
        this.settings = settings;
        this.maxQueued = maxQueued;
        this.drops = drops;
        this.store = store;
    }

    /** Makes the session a member of the group (or changes its options). Session's thread. */
    void join(Session session, SharedFilter shared, int options) {
        SharedGroup group = groups.compute(shared.name(), (name, existing) -> {
            SharedGroup joined = existing;
            if (joined == null) {
                joined = new SharedGroup(shared, settings.strategyOf(shared.group()), maxQueued, drops, store);
                trie.subscribe(shared.filter(), joined, 0);
                joined.restore();
            }
            joined.join(session, options);
            return joined;
        });
        session.joinShared(group);
    }

    /** Takes the session out of the group; the last member takes the group with it. Session's thread. */
    void leave(Session session, SharedFilter shared) {
        SharedGroup group = groups.get(shared.name());
        if (group == null) {
            return;
        }
        session.leaveShared(group);
        groups.computeIfPresent(shared.name(), (name, existing) -> {
            if (!existing.leave(session)) {
                return existing;
            }
            trie.unsubscribe(shared.filter(), existing);
            existing.close();
            return null;
        });
    }

    /** Whether some group's filter matches the topic (then a group takes the message). */
    boolean matchesAny(String topic) {
        if (groups.isEmpty()) {
            return false;
        }
        boolean[] matched = {false};
        trie.match(topic, (group, ignored) -> matched[0] = true);
        return matched[0];
    }

    /**
     * Gives the message to one member of each matching group.
     *
     * @param publisher the publishing client's id, or null (a will, $SYS, another node)
     * @return completes when the QoS 1/2 message is stored for every group it goes to
     */
    CompletionStage<Void> route(StoredMessage live, String publisher) {
        if (groups.isEmpty()) {
            return Stages.DONE;
        }
        List<SharedGroup> matched = new ArrayList<>(1);
        trie.match(live.topic(), (group, ignored) -> matched.add(group));
        CompletionStage<Void> stored = Stages.DONE;
        for (SharedGroup group : matched) {
            stored = Stages.both(stored, group.dispatch(new SharedCopy(live, live.qos()), publisher));
        }
        return stored;
    }

    /** Every group's figures. */
    public List<SharedGroupFigures> figures() {
        List<SharedGroupFigures> figures = new ArrayList<>(groups.size());
        for (SharedGroup group : groups.values()) {
            figures.add(group.figures());
        }
        return figures;
    }
}
