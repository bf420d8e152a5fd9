package io.starling.distribution.fault;

import io.starling.distribution.ExampleCluster;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * The node track of the scheduler: one node fault at a time, at random gaps, each carried to
 * its end (the node serving again and seeing all three members) before the next, so that the
 * run never takes down two nodes at once and ends with the whole cluster up. The first faults
 * are each enabled kind once, in a seeded order, so that even a short run has them all.
 */
final class NodeFaults implements Runnable {

    /** cluster-hazelcast's default member timeout, which examples/cluster keeps. */
    private static final Duration MEMBER_TIMEOUT = Duration.ofSeconds(10);

    private final ExampleCluster cluster;
    private final Random random;
    private final List<FaultKind> kinds;
    private final Deque<FaultKind> firstRound;
    private final Stopper stopper;
    private final EventLog log;
    private volatile Throwable failure;

    NodeFaults(ExampleCluster cluster, Random random, List<FaultKind> kinds, Stopper stopper, EventLog log) {
        this.cluster = cluster;
        this.random = random;
        this.kinds = List.copyOf(kinds);
        List<FaultKind> shuffled = new ArrayList<>(kinds);
        Collections.shuffle(shuffled, random);
        this.firstRound = new ArrayDeque<>(shuffled);
        this.stopper = stopper;
        this.log = log;
    }

    /** What stopped the track early (a node that did not come back), or null. */
    Throwable failure() {
        return failure;
    }

    @Override
    public void run() {
        try {
            while (!kinds.isEmpty() && stopper.pause(seconds(3, 10))) {
                FaultKind kind = firstRound.isEmpty() ? kinds.get(random.nextInt(kinds.size())) : firstRound.poll();
                ExampleCluster.Node node = cluster.nodes.get(random.nextInt(cluster.nodes.size()));
                switch (kind) {
                    case KILL -> kill(node);
                    case FREEZE -> freeze(node);
                    case ROLLING_RESTART -> rollingRestart();
                    default -> throw new IllegalStateException(kind + " is not a node fault");
                }
            }
        } catch (Throwable e) {
            failure = e;
            log.note("node track stopped: " + e.getMessage());
        }
    }

    private void kill(ExampleCluster.Node node) throws Exception {
        log.fault(FaultKind.KILL, "kill -9 " + node.name + " (pid " + node.process.pid() + ")");
        node.process.kill();
        node.process.awaitExit(Duration.ofSeconds(30));
        // Down for a while: clients move to the survivors, which take its sessions over.
        stopper.pause(seconds(0, 5));
        restart(node);
    }

    private void freeze(ExampleCluster.Node node) throws Exception {
        List<Integer> linesBefore =
                cluster.nodes.stream().map(n -> n.process.lineCount()).toList();
        Duration frozen = MEMBER_TIMEOUT.plus(seconds(2, 6));
        log.fault(
                FaultKind.FREEZE,
                "SIGSTOP " + node.name + " (pid " + node.process.pid() + ") for " + frozen.toSeconds() + " s");
        cluster.freeze(node);
        Thread.sleep(frozen.toMillis()); // the fault itself: frozen past the member timeout, whatever happens meanwhile
        cluster.thaw(node);
        log.note("SIGCONT " + node.name + "; waiting until every node sees 3 members again (merge)");
        for (int i = 0; i < cluster.nodes.size(); i++) {
            cluster.awaitMembers(cluster.nodes.get(i), 3, linesBefore.get(i));
        }
        log.note(node.name + " merged back");
    }

    private void rollingRestart() throws Exception {
        log.fault(FaultKind.ROLLING_RESTART, "of all three nodes, one by one");
        for (ExampleCluster.Node node : cluster.nodes) {
            log.note("SIGTERM " + node.name + " (pid " + node.process.pid() + ")");
            int exit = cluster.stop(node);
            if (exit != 0) {
                log.note(node.name + " exited with " + exit + " on SIGTERM");
            }
            restart(node);
        }
    }

    private void restart(ExampleCluster.Node node) throws Exception {
        cluster.launch(node);
        cluster.awaitServing(node, 3);
        log.note(node.name + " restarted (pid " + node.process.pid() + ") and sees 3 members");
    }

    private Duration seconds(int from, int to) {
        return Duration.ofMillis(from * 1000L + random.nextInt((to - from) * 1000 + 1));
    }
}
