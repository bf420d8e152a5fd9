package io.starling.bench;

import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reconnect storm of a failover: N clients with passwords (as in {@link StormRun}) connect
 * through a load balancer in front of a cluster, then the generator kills one node with SIGKILL
 * ({@code --kill-pid}); the clients the balancer had sent to that node lose their connection
 * and reconnect at once, through the balancer, to the nodes left. Reported: the time from the
 * kill until every client is connected again, connects per second, and the CPU of the nodes
 * left ({@code --broker-pid}, {@code --subscriber-broker-pid}). A reconnect that fails (closed
 * before CONNACK, refused) is tried again at once, as a device would, and counted. At the end
 * every client's connection must answer a SUBSCRIBE, so no client is counted as connected on a
 * connection that was closed meanwhile.
 */
final class FailoverRun {

    private final Options options;
    private final Connector connector;
    private final BrokerProbe probe;

    /** Client ids whose connection closed and that have no reconnect outstanding. */
    private final LinkedBlockingQueue<String> toReconnect = new LinkedBlockingQueue<>();
    /** Each client id's current connection. */
    private final Map<String, MqttClient> current = new ConcurrentHashMap<>();

    private final AtomicInteger connected = new AtomicInteger();
    /** Clients whose first connection closed (those of the killed node). */
    private final AtomicInteger dropped = new AtomicInteger();
    /** Closes of connections made after the kill (a reconnected client lost its connection again). */
    private final AtomicInteger droppedAgain = new AtomicInteger();

    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicLong lastConnackNanos = new AtomicLong();

    FailoverRun(Options options, Connector connector, BrokerProbe probe) {
        this.options = options;
        this.connector = connector;
        this.probe = probe;
    }

    Result run() throws InterruptedException, TimeoutException {
        List<String> ids = StormRun.clientIds(options.connections());
        long deadline = System.nanoTime() + options.duration().toNanos();
        long firstStart = System.nanoTime();
        List<MqttClient> clients = connector.connectAll(ids, true, i -> StormRun.SILENT, deadline);
        double firstSeconds = (System.nanoTime() - firstStart) / 1e9;
        for (MqttClient client : clients) {
            track(client, dropped);
        }
        ProcessHandle node = ProcessHandle.of(options.killPid())
                .orElseThrow(() -> new IllegalStateException("no process " + options.killPid() + " to kill"));
        double cpuBefore = probe.cpuSeconds();
        double compilerBefore = probe.compilerCpuSeconds();
        long start = System.nanoTime();
        // SIGKILL on Linux: the node ends without closing anything itself, as kill -9.
        if (!node.destroyForcibly()) {
            throw new IllegalStateException("cannot kill process " + options.killPid());
        }
        lastConnackNanos.set(start);
        awaitExit(node, deadline);
        reconnectUntilAllConnected(deadline);
        double seconds = (lastConnackNanos.get() - start) / 1e9;
        double cpuAfter = probe.cpuSeconds();
        double compilerCpu = probe.compilerCpuSeconds() - compilerBefore;
        List<String> failures = new ArrayList<>();
        int silent = unanswered(deadline);
        if (silent > 0) {
            failures.add(silent + " of " + ids.size() + " clients' connections did not answer a SUBSCRIBE at the end");
        }
        if (dropped.get() == 0) {
            failures.add("no client lost its connection when the node was killed");
        }
        // Read before the connections are closed below, which counts them as closes too.
        int lost = dropped.get();
        int lostAgain = droppedAgain.get();
        Connector.disconnectAll(
                List.copyOf(current.values()),
                System.nanoTime() + options.grace().toNanos());
        return new Result(
                options,
                0,
                lost,
                seconds,
                cpuBefore,
                cpuAfter,
                compilerCpu,
                null,
                Double.NaN,
                Double.NaN,
                null,
                failures,
                List.of(String.format(
                        Locale.ROOT,
                        "first connect of all %d clients took %.3f s; %d lost their connection with the node and"
                                + " reconnected; %d reconnected connections were closed again and %d attempts"
                                + " failed, all tried again",
                        clients.size(),
                        firstSeconds,
                        lost,
                        lostAgain,
                        failedAttempts.get())));
    }

    /**
     * Counts the client as connected and, when its connection closes, in {@code closes} and
     * queues it for a reconnect.
     */
    private void track(MqttClient client, AtomicInteger closes) {
        current.put(client.clientId(), client);
        connected.incrementAndGet();
        client.channel().closeFuture().addListener(f -> {
            connected.decrementAndGet();
            closes.incrementAndGet();
            toReconnect.add(client.clientId());
        });
    }

    /**
     * Reconnects every dropped client, at most {@code pending} CONNECTs outstanding, until all
     * clients are connected; fails at the deadline.
     */
    private void reconnectUntilAllConnected(long deadline) throws InterruptedException, TimeoutException {
        Semaphore outstanding = new Semaphore(options.pending());
        int all = options.connections();
        while (connected.get() < all || outstanding.availablePermits() < options.pending()) {
            String id = toReconnect.poll(1, TimeUnit.MILLISECONDS);
            if (Connector.remaining(deadline) == 0) {
                throw new TimeoutException(
                        "after the kill only " + connected.get() + " of " + all + " clients reconnected in time");
            }
            if (id == null) {
                continue;
            }
            if (!outstanding.tryAcquire(Connector.remaining(deadline), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException("reconnects outstanding until the deadline");
            }
            Future<MqttClient> reconnect = connector.connect(id, true, StormRun.SILENT);
            reconnect.addListener(f -> {
                if (f.isSuccess()) {
                    lastConnackNanos.accumulateAndGet(System.nanoTime(), Math::max);
                    track(reconnect.getNow(), droppedAgain);
                } else {
                    failedAttempts.incrementAndGet();
                    toReconnect.add(id);
                }
                outstanding.release();
            });
        }
    }

    private static void awaitExit(ProcessHandle node, long deadline) throws InterruptedException, TimeoutException {
        try {
            node.onExit().get(Connector.remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for the killed node's exit failed", e);
        }
    }

    /** How many clients' current connections do not answer a SUBSCRIBE with SUBACK. */
    private int unanswered(long deadline) throws InterruptedException {
        List<Future<Void>> answers = new ArrayList<>(current.size());
        for (MqttClient client : current.values()) {
            answers.add(client.subscribe("failover/check", 0));
        }
        int silent = 0;
        for (Future<Void> answer : answers) {
            if (!answer.await(Connector.remaining(deadline), TimeUnit.NANOSECONDS) || !answer.isSuccess()) {
                silent++;
            }
        }
        return silent;
    }
}
