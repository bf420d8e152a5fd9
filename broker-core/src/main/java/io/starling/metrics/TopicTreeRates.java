package io.starling.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Messages published per topic tree: a topic cut to its first {@code depth} levels (depth 2
 * counts {@code plant/7/line/3} under {@code plant/7}). Counted only while someone watches: the
 * admin API asks ({@link #watch}; the dashboard's Topics page every few seconds), and counting
 * stops {@link #WATCH_NANOS} after the last ask. Unwatched, a publish costs one volatile read.
 * At most {@link #MAX_TREES} trees are told apart; the messages of further ones count under
 * {@link #OTHER}, so a broker with a topic per device does not grow a map without bound.
 */
public final class TopicTreeRates {

    /** A tree and its messages per second over the interval of a {@link Snapshot}. */
    public record TreeRate(String tree, double perSecond) {}

    /**
     * The rates per tree over {@code seconds} up to now (0 seconds and no trees when counting
     * has just started, at this depth), highest first.
     */
    public record Snapshot(int depth, double seconds, List<TreeRate> trees) {}

    public static final String OTHER = "(other topics)";
    public static final int MAX_DEPTH = 8;
    static final int MAX_TREES = 1_000;
    static final long WATCH_NANOS = TimeUnit.SECONDS.toNanos(60);
    /** Asks closer together than this get the previous answer: a rate over milliseconds says little. */
    private static final long MIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LongSupplier nanoTime;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private volatile boolean watching;
    private volatile long watchedUntilNanos;
    private volatile int depth = 1;
    private Map<String, Long> previous = Map.of();
    private long previousNanos;
    private Snapshot last;

    public TopicTreeRates(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** A PUBLISH received from a client. */
    public void published(String topic) {
        if (!watching) {
            return;
        }
        if (nanoTime.getAsLong() - watchedUntilNanos > 0) {
            watching = false;
            return;
        }
        String tree = tree(topic, depth);
        LongAdder count = counts.get(tree);
        if (count == null) {
            count = counts.computeIfAbsent(counts.size() < MAX_TREES ? tree : OTHER, key -> new LongAdder());
        }
        count.increment();
    }

    /** The topic's first {@code depth} levels. */
    static String tree(String topic, int depth) {
        int end = -1;
        for (int level = 0; level < depth; level++) {
            end = topic.indexOf('/', end + 1);
            if (end < 0) {
                return topic;
            }
        }
        return topic.substring(0, end);
    }

    /**
     * Starts counting at {@code depth} (or goes on, if it counts at that depth already) and
     * returns the rates since the ask before.
     */
    public synchronized Snapshot watch(int depth) {
        if (depth < 1 || depth > MAX_DEPTH) {
            throw new IllegalArgumentException("depth must be from 1 to " + MAX_DEPTH + ", was " + depth);
        }
        long now = nanoTime.getAsLong();
        watchedUntilNanos = now + WATCH_NANOS;
        if (!watching || depth != this.depth) {
            counts.clear();
            this.depth = depth;
            previous = Map.of();
            previousNanos = now;
            last = new Snapshot(depth, 0, List.of());
            watching = true;
            return last;
        }
        if (now - previousNanos < MIN_INTERVAL_NANOS) {
            return last;
        }
        double seconds = (now - previousNanos) / 1e9;
        Map<String, Long> current = new HashMap<>();
        List<TreeRate> trees = new ArrayList<>();
        counts.forEach((tree, count) -> {
            long total = count.sum();
            current.put(tree, total);
            long since = total - previous.getOrDefault(tree, 0L);
            if (since > 0) {
                trees.add(new TreeRate(tree, since / seconds));
            }
        });
        trees.sort(Comparator.comparingDouble(TreeRate::perSecond).reversed());
        previous = current;
        previousNanos = now;
        last = new Snapshot(depth, seconds, List.copyOf(trees));
        return last;
    }
}
