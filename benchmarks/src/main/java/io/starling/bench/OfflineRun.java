package io.starling.bench;

import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;

/**
 * Offline persistent sessions: {@code clients} sessions (clean session 0) subscribe at QoS 1,
 * each to its own topic, and go away; one publisher per session publishes {@code messages} to
 * it, all acknowledged, so the broker queues them while nobody reads (fill); then every session
 * reconnects at once and the broker drains all queues (drain). Every session must get every
 * message of its publisher, in order. The phases can run in two processes ({@code --phase fill},
 * then {@code --phase drain} with the same run id) so that the broker can be restarted on its
 * store in between. The sessions are discarded at the end of the drain.
 */
final class OfflineRun {

    private static final int QOS = 1;
    private static final MqttClient.Listener SILENT = new MqttClient.Listener() {};

    private final Options options;
    private final Connector connector;
    private final BrokerProbe probe;
    private final String runId;
    private final List<String> sessionIds;

    OfflineRun(Options options, Connector connector, BrokerProbe probe, String runId) {
        this.options = options;
        this.connector = connector;
        this.probe = probe;
        this.runId = runId;
        this.sessionIds = ids("session");
    }

    Result run() throws InterruptedException, TimeoutException {
        double rssBase = probe.rssKiB();
        double cpuBefore = probe.cpuSeconds();
        double compilerBefore = probe.compilerCpuSeconds();
        List<Published> published = new ArrayList<>();
        double fillSeconds = Double.NaN;
        double rssFill = Double.NaN;
        if (!options.phase().equals(Options.DRAIN)) {
            try (RssSampler rss = new RssSampler(probe)) {
                fillSeconds = fill(published);
                rssFill = rss.maxKiB();
            }
        } else {
            for (int s = 0; s < sessionIds.size(); s++) {
                published.add(Published.allAcknowledged(s, options.messages()));
            }
        }
        long filled = published.stream().mapToLong(p -> p.acked().cardinality()).sum();

        List<Subscriber> subscribers = new ArrayList<>();
        double drainSeconds = Double.NaN;
        double rssDrain = Double.NaN;
        if (!options.phase().equals(Options.FILL)) {
            try (RssSampler rss = new RssSampler(probe)) {
                drainSeconds = drain(filled, subscribers);
                rssDrain = rss.maxKiB();
            }
        }
        double cpuAfter = probe.cpuSeconds();
        double compilerCpu = probe.compilerCpuSeconds() - compilerBefore;

        int[][] heardBy = IntStream.range(0, subscribers.size())
                .mapToObj(s -> new int[] {s})
                .toArray(int[][]::new);
        DeliveryCheck check = DeliveryCheck.of(QOS, published, subscribers, heardBy);
        OfflineFigures figures =
                new OfflineFigures(filled, fillSeconds, check.delivered(), drainSeconds, rssBase, rssFill, rssDrain);
        boolean fillOnly = options.phase().equals(Options.FILL);
        List<String> notes = new ArrayList<>(check.notes());
        if (options.phase().equals(Options.DRAIN)) {
            notes.add("expected every message of the fill phase of run " + runId + " (that phase checked they were all"
                    + " acknowledged)");
        }
        return new Result(
                options,
                check.published(),
                fillOnly ? filled : check.delivered(),
                fillOnly ? fillSeconds : drainSeconds,
                cpuBefore,
                cpuAfter,
                compilerCpu,
                null,
                Double.NaN,
                Double.NaN,
                figures,
                check.failures(),
                notes);
    }

    /** Subscribes the sessions and takes them offline, then publishes to them; returns the seconds publishing took. */
    private double fill(List<Published> published) throws InterruptedException, TimeoutException {
        long setupDeadline = System.nanoTime() + options.duration().toNanos();
        List<MqttClient> sessions = connector.connectAll(sessionIds, false, i -> SILENT, setupDeadline);
        // All SUBSCRIBEs first: the broker's store commits them together instead of one round trip each.
        List<Future<Void>> subscribed = new ArrayList<>();
        for (int s = 0; s < sessions.size(); s++) {
            subscribed.add(sessions.get(s).subscribe(topic(s), QOS));
        }
        for (Future<Void> suback : subscribed) {
            Connector.await(suback, setupDeadline, "SUBACK");
        }
        Connector.disconnectAll(sessions, setupDeadline);

        // No session is online while publishing: nothing is to be delivered in this phase.
        Progress publishing = new Progress(sessionIds.size(), 0);
        List<Publisher> publishers = new ArrayList<>();
        for (int s = 0; s < sessionIds.size(); s++) {
            publishers.add(new Publisher(
                    s, topic(s), QOS, options.messages(), options.payloadSize(), options.window(), 0, publishing));
        }
        List<MqttClient> clients = connector.connectAll(ids("pub"), true, publishers::get, setupDeadline);
        long start = System.nanoTime();
        long stop = start + options.duration().toNanos();
        for (int p = 0; p < publishers.size(); p++) {
            publishers.get(p).start(clients.get(p), start, stop);
        }
        publishing.await(stop + options.grace().toNanos(), options.quietNanos());
        double seconds = (System.nanoTime() - start) / 1e9;
        // Closing first makes every event loop's counts visible here (the close futures order them).
        Connector.disconnectAll(clients, System.nanoTime() + options.grace().toNanos());
        published.addAll(publishers);
        return seconds;
    }

    /** Reconnects every session at once and waits for {@code expected} deliveries; returns the seconds to the last. */
    private double drain(long expected, List<Subscriber> subscribers) throws InterruptedException, TimeoutException {
        Progress draining = new Progress(1, 1);
        draining.onPublisherFinished(expected);
        // Latency is not reported: a message waited in the queue for as long as the fill took.
        Latency unreported = new Latency();
        for (int s = 0; s < sessionIds.size(); s++) {
            subscribers.add(new Subscriber(s, 1, draining, unreported));
        }
        long start = System.nanoTime();
        long deadline = start + options.duration().toNanos();
        List<MqttClient> sessions = connector.connectAll(sessionIds, false, subscribers::get, deadline);
        draining.await(deadline + options.grace().toNanos(), options.quietNanos());
        long last = draining.lastDeliveryNanos();
        double seconds = last > start ? (last - start) / 1e9 : 0;
        Connector.disconnectAll(sessions, System.nanoTime() + options.grace().toNanos());
        // Clean-session connects make the broker forget the persistent sessions (and their store entries).
        long discardDeadline = System.nanoTime() + options.grace().toNanos();
        Connector.disconnectAll(connector.connectAll(sessionIds, true, i -> SILENT, discardDeadline), discardDeadline);
        return seconds;
    }

    private String topic(int session) {
        return "bench/" + runId + "/offline/" + session;
    }

    private List<String> ids(String role) {
        return IntStream.range(0, options.clients())
                .mapToObj(i -> "bench-" + runId + "-" + role + "-" + i)
                .toList();
    }
}
