package io.starling.bench;

import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * Opens many connections that do nothing else, and reports the broker's RSS growth per
 * connection twice: at the last CONNACK, and after the connections have been idle for the
 * settle time; both against the broker's RSS after the same time at rest before the connects. The second is the idle figure: at the last CONNACK a JVM broker still holds
 * one-time working memory of its JIT compilers, busy compiling the connect path, which a
 * broker left alone with idle connections gives back.
 */
final class IdleRun {

    private static final MqttClient.Listener SILENT = new MqttClient.Listener() {};

    private final Options options;
    private final Connector connector;
    private final BrokerProbe probe;
    private final String runId;

    IdleRun(Options options, Connector connector, BrokerProbe probe, String runId) {
        this.options = options;
        this.connector = connector;
        this.probe = probe;
        this.runId = runId;
    }

    Result run() throws InterruptedException, TimeoutException {
        int count = options.connections();
        List<String> ids = IntStream.range(0, count)
                .mapToObj(i -> "bench-" + runId + "-idle-" + i)
                .toList();
        // The baseline is read after the same rest: a fresh broker returns memory of its start-up
        // meanwhile (the JIT compilers' freed working memory, bin/starling's native-heap trim), which
        // would otherwise be subtracted from what the connections cost.
        Thread.sleep(options.settle().toMillis());
        double rssBefore = probe.rssKiB();
        double cpuBefore = probe.cpuSeconds();
        double compilerBefore = probe.compilerCpuSeconds();
        long start = System.nanoTime();
        List<MqttClient> clients = connector.connectAll(
                ids, true, i -> SILENT, start + options.duration().toNanos());
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuAfter = probe.cpuSeconds();
        double compilerCpu = probe.compilerCpuSeconds() - compilerBefore;
        double rssAtLastConnack = probe.rssKiB();
        // A measurement window with idle connections, not a wait for a condition.
        Thread.sleep(options.settle().toMillis());
        double rssSettled = probe.rssKiB();
        if (!options.hold().isZero()) {
            // Measured already: the pause is for whoever looks at the broker meanwhile.
            System.err.printf(
                    "holding %d idle connections for %d s%n",
                    clients.size(), options.hold().toSeconds());
            Thread.sleep(options.hold().toMillis());
        }
        Connector.disconnectAll(clients, System.nanoTime() + options.grace().toNanos());
        // Every connection got CONNACK 0, or connectAll would have thrown.
        return new Result(
                options,
                0,
                clients.size(),
                seconds,
                cpuBefore,
                cpuAfter,
                compilerCpu,
                null,
                (rssSettled - rssBefore) / count,
                (rssAtLastConnack - rssBefore) / count,
                null,
                List.of(),
                List.of());
    }
}
