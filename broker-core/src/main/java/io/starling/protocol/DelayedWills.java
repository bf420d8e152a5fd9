package io.starling.protocol;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The wills of MQTT 5 clients that asked for a Will Delay Interval, waiting to be published
 * (section 3.1.3.2.2): a new connection to the same session cancels its will
 * [MQTT-3.1.3-9]; one that starts a new session (Clean Start) ends the old session, whose will
 * is then published at once. Wills of this node only, also cancelled when the client
 * connects to another node of the cluster (which takes the session from this one); the
 * cluster's copy of a will is published without delay when a node is lost.
 */
public final class DelayedWills {

    private record Pending(ScheduledFuture<?> timer, Runnable publish) {}

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    /** Publishes the will of {@code clientId} after {@code delaySeconds}, unless the client comes back first. */
    void schedule(String clientId, EventExecutor loop, long delaySeconds, Runnable publish) {
        Pending[] self = new Pending[1];
        ScheduledFuture<?> timer = loop.schedule(
                () -> {
                    if (pending.remove(clientId, self[0])) {
                        publish.run();
                    }
                },
                delaySeconds,
                TimeUnit.SECONDS);
        self[0] = new Pending(timer, publish);
        Pending replaced = pending.put(clientId, self[0]);
        if (replaced != null) {
            // An older will of the same client id still waited: its session ended with this one's.
            replaced.timer().cancel(false);
            replaced.publish().run();
        }
    }

    /**
     * Another node takes the client's session: the client connected there (or this node stops
     * and hands its sessions over), so its waiting will is dropped [MQTT-3.1.3-9]. That node
     * cannot tell this one whether the new connection started afresh (Clean Start), which would
     * publish the will instead.
     */
    public void continuedElsewhere(String clientId) {
        connected(clientId, true);
    }

    /**
     * The client connected again: its waiting will is dropped if its session continues, else
     * published now.
     */
    void connected(String clientId, boolean sessionContinues) {
        Pending waiting = pending.remove(clientId);
        if (waiting != null) {
            waiting.timer().cancel(false);
            if (!sessionContinues) {
                waiting.publish().run();
            }
        }
    }
}
