package io.starling.distribution.fault;

import io.starling.distribution.DistributionZip;
import io.starling.distribution.ExampleCluster;
import io.starling.routing.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * The randomized fault run of issue 17 (docs/CLUSTER.md, "Randomized fault run"): the unzipped
 * distribution's three-node example behind HAProxy, persistent publishers at QoS 1 and 2 and
 * persistent subscribers with overlapping filters, all through HAProxy; while they publish, a
 * node track (kill -9, SIGSTOP past the member timeout, rolling restart) and a client track
 * (takeovers on random nodes, subscribers going offline cleanly and coming back) inject faults
 * chosen from the seed. Then publishing stops, every node is up, every subscriber online, and
 * once nothing more arrives (bounded) each subscriber's deliveries are checked ({@link Verdict}).
 */
public final class FaultRun {

    /** How long the end waits for the last deliveries (the cluster is whole again by then). */
    private static final Duration QUIET_DEADLINE = Duration.ofMinutes(3);
    /** Nothing arrived for this long, and nothing is missing: quiet. */
    private static final Duration QUIET = Duration.ofSeconds(3);
    /** A rolling restart is the longest fault: three node starts of up to 90 s each. */
    private static final Duration TRACK_END = Duration.ofMinutes(6);

    private final FaultRunOptions options;
    private final EventLog log = new EventLog();
    private final List<FaultPublisher> publishers = new ArrayList<>();
    private final List<FaultSubscriber> subscribers = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();

    private FaultRun(FaultRunOptions options) {
        this.options = options;
    }

    /** Runs it; the report says whether every subscriber passed (and prints itself). */
    public static FaultReport run(FaultRunOptions options) throws Exception {
        return new FaultRun(options).run();
    }

    private FaultReport run() throws Exception {
        deleteEarlierRun(options.work());
        Files.createDirectories(options.work());
        Path home = DistributionZip.unzipInto(options.work());
        log.note("starting the example cluster and HAProxy: " + options.describe());
        ExampleCluster cluster = ExampleCluster.start(
                home, Files.createDirectories(options.work().resolve("cluster")));
        List<Verdict> verdicts = List.of();
        try {
            verdicts = runOn(cluster);
        } catch (Exception | AssertionError e) {
            // Reported (and failing the run) with whatever was injected up to here.
            errors.add("run aborted: " + e);
            e.printStackTrace();
        } finally {
            for (FaultSubscriber subscriber : subscribers) {
                subscriber.close();
            }
            cluster.close();
            Path logs = options.work().resolve("logs");
            cluster.saveLogs(logs);
            log.note("node and HAProxy logs in " + logs);
        }
        FaultReport report = FaultReport.of(options, log, publishers, verdicts, errors);
        System.out.println(report.text());
        return report;
    }

    private List<Verdict> runOn(ExampleCluster cluster) throws Exception {
        Random seeds = new Random(options.seed());
        Random setup = new Random(seeds.nextLong());
        Stopper stopper = new Stopper();
        for (int i = 0; i < options.publishers(); i++) {
            FaultPublisher publisher =
                    new FaultPublisher(i, i % 2 == 0 ? 1 : 2, options.rate(), cluster.balancerUrl(), stopper, log);
            publisher.connect();
            publishers.add(publisher);
        }
        for (int i = 0; i < options.subscribers(); i++) {
            Map<String, Integer> filters = filters(i, setup);
            FaultSubscriber subscriber =
                    new FaultSubscriber("fault-sub-" + i, filters, ackDelay(i, filters), cluster.balancerUrl(), log);
            subscriber.start();
            subscribers.add(subscriber);
            log.note(subscriber.clientId + " subscribed " + filters + (subscriber.slow() ? ", slow" : ""));
        }
        List<FaultKind> nodeKinds =
                options.kinds().stream().filter(FaultKind::onNodes).toList();
        List<FaultKind> clientKinds =
                options.kinds().stream().filter(kind -> !kind.onNodes()).toList();
        NodeFaults nodeFaults = new NodeFaults(cluster, new Random(seeds.nextLong()), nodeKinds, stopper, log);
        ClientChurn churn = new ClientChurn(
                cluster, new Random(seeds.nextLong()), clientKinds, publishers, subscribers, stopper, log);

        List<Thread> publishing = new ArrayList<>();
        for (FaultPublisher publisher : publishers) {
            publishing.add(start(publisher, publisher.clientId));
        }
        Thread nodeTrack = start(nodeFaults, "fault-nodes");
        Thread clientTrack = start(churn, "fault-clients");
        log.note("publishing for " + options.publishing().toSeconds() + " s");
        Thread.sleep(options.publishing().toMillis()); // the run's length, not a synchronisation

        stopper.stop();
        log.note("publishing stops; the current fault runs to its end");
        join(nodeTrack, TRACK_END, "the node track");
        join(clientTrack, TRACK_END, "the client track");
        if (nodeFaults.failure() != null) {
            errors.add("node track: " + nodeFaults.failure());
        }
        for (Thread thread : publishing) {
            join(thread, TRACK_END, thread.getName());
        }
        publishers.stream().filter(FaultPublisher::gaveUp).forEach(p -> errors.add(p.clientId + " gave up a message"));
        log.note("publishers done; every subscriber comes online");
        List<Future<?>> online = new ArrayList<>();
        for (FaultSubscriber subscriber : subscribers) {
            subscriber.catchUp();
            online.add(subscriber.online());
        }
        for (Future<?> future : online) {
            future.get(5, TimeUnit.MINUTES);
        }
        awaitQuiet();
        List<Verdict> verdicts = subscribers.stream()
                .map(subscriber -> Verdict.of(subscriber, publishers))
                .toList();
        subscribers.stream()
                .filter(subscriber -> !subscriber.isConnected())
                .forEach(subscriber -> errors.add(subscriber.clientId + " is not connected at the end"));
        return verdicts;
    }

    /**
     * Subscriber 0 takes everything at QoS 2; the others two random filters of a pool that
     * overlap each other and the topics {@code fault/q<qos>/p<index>}, at QoS 1 or 2.
     */
    private Map<String, Integer> filters(int index, Random random) {
        Map<String, Integer> filters = new LinkedHashMap<>();
        if (index == 0) {
            filters.put("fault/#", 2);
            return filters;
        }
        List<String> pool = List.of(
                "fault/#",
                "fault/q1/#",
                "fault/q2/#",
                "fault/q2/+",
                "fault/+/+",
                "fault/+/p" + random.nextInt(options.publishers()),
                "fault/+/p" + random.nextInt(options.publishers()));
        while (filters.size() < 2) {
            filters.merge(pool.get(random.nextInt(pool.size())), 1 + random.nextInt(2), Math::max);
        }
        return filters;
    }

    /**
     * Every third subscriber from the second on acknowledges at 80 % of the rate its filters
     * match (issue 25's slow subscribers), so a backlog builds; the others at once.
     */
    private Duration ackDelay(int index, Map<String, Integer> filters) {
        if (index % 3 != 1) {
            return Duration.ZERO;
        }
        long matching = publishers.stream()
                .filter(p -> Topics.matchingQos(filters, p.topic) >= 0)
                .count();
        return Duration.ofNanos((long) (TimeUnit.SECONDS.toNanos(1) / (0.8 * options.rate() * Math.max(1, matching))));
    }

    /** Until every subscriber has every acknowledged message it should and nothing arrived for {@link #QUIET}, bounded. */
    private void awaitQuiet() {
        long deadline = System.nanoTime() + QUIET_DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            long lastArrival = subscribers.stream()
                    .mapToLong(s -> s.inbox.lastArrivalNanos())
                    .max()
                    .orElse(0);
            boolean complete = subscribers.stream()
                    .allMatch(s -> Verdict.of(s, publishers).lost().isEmpty());
            if (complete && System.nanoTime() - lastArrival > QUIET.toNanos()) {
                log.note("quiet: nothing missing, nothing arrived for " + QUIET.toSeconds() + " s");
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        log.note("not quiet within " + QUIET_DEADLINE + ": checking what arrived");
    }

    /** A run of the same seed before left its installation and data directories: each run starts empty. */
    private static void deleteEarlierRun(Path work) throws IOException {
        if (!Files.exists(work)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(work)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private static Thread start(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.start();
        return thread;
    }

    private void join(Thread thread, Duration limit, String what) throws InterruptedException {
        thread.join(limit.toMillis());
        if (thread.isAlive()) {
            errors.add(what + " did not end within " + limit);
            thread.interrupt();
        }
    }
}
