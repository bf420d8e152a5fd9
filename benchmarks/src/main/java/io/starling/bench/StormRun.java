package io.starling.bench;

import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * A reconnect storm: N clients, each with its own user name and password, connect; then every
 * connection is dropped at once (as when their node dies) and all of them reconnect at once.
 * Reported: the time from the drop until every client has its CONNACK 0 again, connects per
 * second, and the broker's CPU over the reconnect. Client {@code storm-I} has the password
 * {@code storm-I-pw} ({@link #password}); the broker's password file must hold them all
 * (scripts/lib/compare-storm.sh writes it for both brokers).
 */
final class StormRun {

    static final MqttClient.Listener SILENT = new MqttClient.Listener() {};

    private final Options options;
    private final Connector connector;
    private final BrokerProbe probe;

    StormRun(Options options, Connector connector, BrokerProbe probe) {
        this.options = options;
        this.connector = connector;
        this.probe = probe;
    }

    /** The password of a storm client, whose user name is its client id. */
    static String password(String clientId) {
        return clientId + "-pw";
    }

    /** The ids (and user names) of {@code count} storm clients: the same every run, as the users of the password file. */
    static List<String> clientIds(int count) {
        return IntStream.range(0, count).mapToObj(i -> "storm-" + i).toList();
    }

    Result run() throws InterruptedException, TimeoutException {
        List<String> ids = clientIds(options.connections());
        long deadline = System.nanoTime() + options.duration().toNanos();
        long firstStart = System.nanoTime();
        List<MqttClient> clients = connector.connectAll(ids, true, i -> SILENT, deadline);
        double firstSeconds = (System.nanoTime() - firstStart) / 1e9;
        double cpuBefore = probe.cpuSeconds();
        double compilerBefore = probe.compilerCpuSeconds();
        long start = System.nanoTime();
        dropAll(clients, deadline);
        List<MqttClient> reconnected = connector.connectAll(ids, true, i -> SILENT, deadline);
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuAfter = probe.cpuSeconds();
        double compilerCpu = probe.compilerCpuSeconds() - compilerBefore;
        Connector.disconnectAll(reconnected, System.nanoTime() + options.grace().toNanos());
        // Every client got CONNACK 0 twice, or connectAll would have thrown.
        return new Result(
                options,
                0,
                reconnected.size(),
                seconds,
                cpuBefore,
                cpuAfter,
                compilerCpu,
                null,
                Double.NaN,
                Double.NaN,
                null,
                List.of(),
                List.of(String.format(
                        Locale.ROOT, "first connect of all %d clients took %.3f s", clients.size(), firstSeconds)));
    }

    /** Closes every connection without DISCONNECT (a dead node sends none) and waits until all are closed. */
    private static void dropAll(List<MqttClient> clients, long deadlineNanos) throws InterruptedException {
        List<Future<Void>> closes = new ArrayList<>(clients.size());
        for (MqttClient client : clients) {
            closes.add(client.channel().close());
        }
        for (Future<Void> close : closes) {
            close.await(Connector.remaining(deadlineNanos), TimeUnit.NANOSECONDS);
        }
    }
}
