package io.starling.bench;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Drives publishers at a fixed offered rate: one timer per event loop (not per publisher, so
 * a hundred publishers cost a thousand ticks a second, not a hundred thousand) lets each
 * publisher on that loop send what has come due.
 */
final class Pacer implements AutoCloseable {

    private static final long TICK_MICROS = 1000;

    private final List<ScheduledFuture<?>> timers = new ArrayList<>();

    Pacer(List<Publisher> publishers, List<MqttClient> clients) {
        Map<EventLoop, List<Publisher>> byLoop = new IdentityHashMap<>();
        for (int i = 0; i < publishers.size(); i++) {
            byLoop.computeIfAbsent(clients.get(i).channel().eventLoop(), loop -> new ArrayList<>())
                    .add(publishers.get(i));
        }
        byLoop.forEach((loop, onLoop) -> timers.add(loop.scheduleAtFixedRate(
                () -> onLoop.forEach(Publisher::pump), TICK_MICROS, TICK_MICROS, TimeUnit.MICROSECONDS)));
    }

    @Override
    public void close() {
        timers.forEach(timer -> timer.cancel(false));
    }
}
