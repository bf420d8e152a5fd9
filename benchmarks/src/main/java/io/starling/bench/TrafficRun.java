package io.starling.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * Fan-in, fan-out, point-to-point and shared: subscribers connect and subscribe first, then the
 * publishers publish; the run ends when every copy arrived, deliveries stopped, or time ran out.
 */
final class TrafficRun {

    private final Options options;
    private final Connector connector;
    /** Subscribers' connections: to the publishers' broker, or to another node of its cluster. */
    private final Connector subscriberConnector;

    private final BrokerProbe probe;
    private final String runId;

    TrafficRun(Options options, Connector connector, Connector subscriberConnector, BrokerProbe probe, String runId) {
        this.options = options;
        this.connector = connector;
        this.subscriberConnector = subscriberConnector;
        this.probe = probe;
        this.runId = runId;
    }

    Result run() throws InterruptedException, TimeoutException {
        Topology topology = Topology.of(options.scenario(), options.clients(), "bench/" + runId);
        long setupDeadline = System.nanoTime() + options.duration().toNanos();
        Progress progress = new Progress(topology.publishers(), topology.fanOut());
        Latency latency = new Latency();

        List<Subscriber> subscribers = new ArrayList<>();
        for (int s = 0; s < topology.subscribers(); s++) {
            subscribers.add(new Subscriber(topology.publishers(), progress, latency));
        }
        List<String> subscriberIds = ids("sub", topology.subscribers());
        List<MqttClient> subscriberClients =
                subscriberConnector.connectAll(subscriberIds, !options.persistent(), subscribers::get, setupDeadline);
        for (int s = 0; s < subscriberClients.size(); s++) {
            Connector.await(
                    subscriberClients.get(s).subscribe(topology.subscriberFilter(s), options.qos()),
                    setupDeadline,
                    "SUBACK");
        }

        List<Publisher> publishers = publishers(topology, progress);
        List<MqttClient> publisherClients =
                connector.connectAll(ids("pub", topology.publishers()), true, publishers::get, setupDeadline);

        double cpuBefore = probe.cpuSeconds();
        double compilerBefore = probe.compilerCpuSeconds();
        long start = System.nanoTime();
        long stop = start + options.duration().toNanos();
        for (int p = 0; p < publishers.size(); p++) {
            publishers.get(p).start(publisherClients.get(p), start, stop);
        }
        try (Pacer ignored = options.rate() > 0 ? new Pacer(publishers, publisherClients) : null) {
            progress.await(stop + options.grace().toNanos(), options.quietNanos());
        }
        long last = progress.lastDeliveryNanos();
        double seconds = last > start ? (last - start) / 1e9 : 0;
        double cpuAfter = probe.cpuSeconds();
        double compilerCpu = probe.compilerCpuSeconds() - compilerBefore;

        // Closing first makes every event loop's counts visible here (the close futures order them).
        List<MqttClient> all = new ArrayList<>(publisherClients);
        all.addAll(subscriberClients);
        Connector.disconnectAll(all, System.nanoTime() + options.grace().toNanos());
        if (options.persistent()) {
            // Clean-session connects make the broker forget the persistent sessions (and their store entries).
            Connector.disconnectAll(
                    subscriberConnector.connectAll(
                            subscriberIds,
                            true,
                            i -> new MqttClient.Listener() {},
                            System.nanoTime() + options.grace().toNanos()),
                    System.nanoTime() + options.grace().toNanos());
        }

        int[][] heardBy = IntStream.range(0, topology.subscribers())
                .mapToObj(topology::heardBy)
                .toArray(int[][]::new);
        DeliveryCheck check = topology.shared()
                ? DeliveryCheck.ofGroup(options.qos(), publishers, subscribers)
                : DeliveryCheck.of(options.qos(), publishers, subscribers, heardBy);
        List<String> notes = new ArrayList<>(check.notes());
        if (check.published() < options.messages()) {
            notes.add("publishing stopped at the duration cap after " + check.published() + " of " + options.messages()
                    + " messages");
        }
        return new Result(
                options,
                check.published(),
                check.delivered(),
                seconds,
                cpuBefore,
                cpuAfter,
                compilerCpu,
                latency.histogram(),
                Double.NaN,
                Double.NaN,
                null,
                check.failures(),
                notes);
    }

    private List<Publisher> publishers(Topology topology, Progress progress) {
        int count = topology.publishers();
        double ratePerPublisher = (double) options.rate() / count;
        List<Publisher> publishers = new ArrayList<>(count);
        for (int p = 0; p < count; p++) {
            // The messages split as evenly as they go; the first publishers take the remainder.
            int share = options.messages() / count + (p < options.messages() % count ? 1 : 0);
            publishers.add(new Publisher(
                    p,
                    topology.publisherTopic(p),
                    options.qos(),
                    share,
                    options.payloadSize(),
                    options.window(),
                    ratePerPublisher,
                    progress));
        }
        return publishers;
    }

    private List<String> ids(String role, int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> "bench-" + runId + "-" + role + "-" + i)
                .toList();
    }
}
