package io.starling.protocol;

import io.netty.channel.Channel;
import io.starling.metrics.BrokerMetrics;
import io.starling.routing.PausablePublisher;
import io.starling.session.PushBack;
import io.starling.session.Session;
import java.util.HashSet;
import java.util.Set;

/**
 * Push-back on one publisher: its socket is not read while any subscriber queue it fed is
 * full, and read again once all of them have room. What it sent meanwhile stays in the
 * kernel's socket buffers and then in the client, so the broker holds at most the read batch
 * in progress when the pause began.
 */
final class ReadPause implements PausablePublisher {

    private final Channel channel;
    private final Session session;
    private final BrokerMetrics metrics;
    /**
     * The full queues this publisher waits for; used only on the channel's event loop. Created
     * at the first pause: most publishers are never paused, and an empty set costs 64 bytes.
     */
    private Set<PushBack> waitingFor;

    ReadPause(Channel channel, Session session, BrokerMetrics metrics) {
        this.channel = channel;
        this.session = session;
        this.metrics = metrics;
    }

    @Override
    public Session session() {
        return session;
    }

    @Override
    public void pauseFor(PushBack full) {
        if (!channel.eventLoop().inEventLoop()) {
            channel.eventLoop().execute(() -> pauseFor(full));
            return;
        }
        if (waitingFor == null) {
            waitingFor = new HashSet<>();
        }
        if (!waitingFor.add(full)) {
            return;
        }
        if (waitingFor.size() == 1) {
            metrics.publisherPaused();
            channel.config().setAutoRead(false);
        }
        full.awaitRoom(() -> channel.eventLoop().execute(() -> resume(full)));
    }

    private void resume(PushBack hadRoom) {
        if (waitingFor != null && waitingFor.remove(hadRoom) && waitingFor.isEmpty()) {
            channel.config().setAutoRead(true);
        }
    }

    boolean isPaused() {
        return waitingFor != null && !waitingFor.isEmpty();
    }
}
