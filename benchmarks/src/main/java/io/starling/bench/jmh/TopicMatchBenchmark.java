package io.starling.bench.jmh;

import io.starling.routing.SubscriptionTrie;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Topic matching on the broker's {@link SubscriptionTrie} with a million subscriptions, as an
 * IoT deployment has them: 98% exact device topics, 1.5% per-site {@code +} device wildcards,
 * 0.5% per-site {@code #}. One operation matches one random device topic, which has about
 * 0.75 matching subscriptions on average (target: at least 1M operations/s on one core).
 * The cost grows with the subscriptions a topic matches: each is a visit to scattered memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TopicMatchBenchmark {

    private static final int SITES = 10_000;
    private static final int DEVICES = 100;
    private static final int METRICS = 10;
    private static final int TOPICS = 4096;

    @Param("1000000")
    public int subscriptions;

    private SubscriptionTrie<Integer> trie;
    private String[] topics;
    private int next;

    @Setup
    public void subscribe() {
        Random random = new Random(42);
        trie = new SubscriptionTrie<>();
        for (int i = 0; i < subscriptions; i++) {
            int site = random.nextInt(SITES);
            String filter = switch (i % 200) {
                case 196, 197, 198 -> "site/" + site + "/dev/+/m" + random.nextInt(METRICS);
                case 199 -> "site/" + site + "/#";
                default -> "site/" + site + "/dev/" + random.nextInt(DEVICES) + "/m" + random.nextInt(METRICS);
            };
            trie.subscribe(filter, i, 1);
        }
        topics = new String[TOPICS];
        for (int i = 0; i < TOPICS; i++) {
            topics[i] = "site/" + random.nextInt(SITES) + "/dev/" + random.nextInt(DEVICES) + "/m"
                    + random.nextInt(METRICS);
        }
    }

    /**
     * The sum of the matched subscribers, returned so that JMH consumes it: a visitor capturing
     * a Blackhole would add an allocation per operation to the trie's own cost, the figure here.
     */
    private long matched;

    private final BiConsumer<Integer, Integer> visitor = (subscriber, qos) -> matched += subscriber;

    @Benchmark
    public long match() {
        trie.match(topics[next++ & (TOPICS - 1)], visitor);
        return matched;
    }
}
