package io.starling.protocol;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.spi.ClientIdentity;
import io.starling.spi.DelayedWill;
import io.starling.spi.SessionStore;
import io.starling.spi.StoredMessage;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wills of MQTT 5 clients that asked for a Will Delay Interval, waiting to be published
 * (section 3.1.3.2.2): a new connection to the same session cancels its will
 * [MQTT-3.1.3-9]; one that starts a new session (Clean Start) ends the old session, whose will
 * is then published at once. Each waiting will is kept in the session store, so that a broker
 * stopped or killed before it is due publishes it after its restart (at once if it fell due
 * meanwhile). Wills of this node only, also cancelled or published when the client connects
 * to another node of the cluster (which takes the session from this one); the cluster's copy of
 * a will is published without delay when a node is lost.
 */
public final class DelayedWills {

    private static final Logger LOG = LoggerFactory.getLogger(DelayedWills.class);

    /** A waiting will; its timer is set once it is in the map (a restored one's at {@link #startRestored}). */
    private static final class Pending {
        final DelayedWill will;
        volatile ScheduledFuture<?> timer;

        Pending(DelayedWill will) {
            this.will = will;
        }

        void cancel() {
            ScheduledFuture<?> armed = timer;
            if (armed != null) {
                armed.cancel(false);
            }
        }
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final SessionStore store;
    private final WillPublisher publisher;

    public DelayedWills(SessionStore store, WillPublisher publisher) {
        this.store = store;
        this.publisher = publisher;
    }

    /** Publishes the client's will after {@code delaySeconds}, unless the client comes back first. */
    void schedule(ClientIdentity client, StoredMessage will, EventExecutor loop, long delaySeconds) {
        long delayMillis = TimeUnit.SECONDS.toMillis(delaySeconds);
        Pending waiting = new Pending(
                new DelayedWill(client.clientId(), client.username(), will, System.currentTimeMillis() + delayMillis));
        Pending replaced = pending.put(client.clientId(), waiting);
        if (replaced != null) {
            // An older will of the same client id still waited: its session ended with this one's.
            replaced.cancel();
            publish(replaced.will);
        }
        arm(waiting, loop, delayMillis);
        store.saveWill(waiting.will).whenComplete((ignored, failure) -> {
            if (failure != null) {
                LOG.warn(
                        "The delayed will of client {} was not stored (it waits in memory only): {}",
                        client.clientId(),
                        failure.toString());
            }
        });
    }

    /**
     * Takes the wills that waited when the broker stopped; they wait unarmed (a session the
     * cluster settles elsewhere cancels its own, see {@link #continuedElsewhere}) until
     * {@link #startRestored}.
     *
     * @return how many there are
     */
    public int restore(Collection<DelayedWill> stored) {
        stored.forEach(will -> pending.putIfAbsent(will.clientId(), new Pending(will)));
        return stored.size();
    }

    /** Arms the restored wills: those that fell due while the broker was down are published now. */
    public void startRestored(EventExecutor loop) {
        long now = System.currentTimeMillis();
        pending.values().forEach(waiting -> {
            if (waiting.timer == null) {
                arm(waiting, loop, Math.max(0, waiting.will.dueMillis() - now));
            }
        });
    }

    /** Publishes the will when due if it is still the client's waiting one then (it is in the map already). */
    private void arm(Pending waiting, EventExecutor loop, long delayMillis) {
        String clientId = waiting.will.clientId();
        waiting.timer = loop.schedule(
                () -> {
                    if (pending.remove(clientId, waiting)) {
                        publish(waiting.will);
                    }
                },
                delayMillis,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Another node takes the client's session: the client connected there, with
     * {@code sessionContinues} false if it started afresh (Clean Start), or this node stops and
     * hands its sessions over (then true: the will is dropped, see docs/PROTOCOL.md).
     */
    public void continuedElsewhere(String clientId, boolean sessionContinues) {
        connected(clientId, sessionContinues);
    }

    /**
     * The client connected again: its waiting will is dropped if its session continues, else
     * published now.
     */
    void connected(String clientId, boolean sessionContinues) {
        Pending waiting = pending.remove(clientId);
        if (waiting == null) {
            return;
        }
        waiting.cancel();
        if (sessionContinues) {
            store.deleteWill(clientId);
        } else {
            publish(waiting.will);
        }
    }

    /**
     * Publishes the will, then removes it from the store: the removal is queued after the
     * message's own writes, so a crash between the two publishes it again rather than never.
     */
    private void publish(DelayedWill will) {
        publisher.publish(new ClientIdentity(will.clientId(), will.username()), will.message());
        if (!pending.containsKey(will.clientId())) {
            store.deleteWill(will.clientId());
        }
    }
}
