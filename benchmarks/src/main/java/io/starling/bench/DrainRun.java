package io.starling.bench;

import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A persistent (clean session 0) subscriber subscribes at QoS 1 and goes away; a publisher
 * publishes the messages, all acknowledged, so the broker queues them; the subscriber
 * reconnects and the broker drains its queue. Throughput and CPU cover the drain only.
 */
final class DrainRun {

    private static final int QOS = 1;

    private final Options options;
    private final Connector connector;
    private final BrokerProbe probe;
    private final String runId;

    DrainRun(Options options, Connector connector, BrokerProbe probe, String runId) {
        this.options = options;
        this.connector = connector;
        this.probe = probe;
        this.runId = runId;
    }

    Result run() throws InterruptedException, TimeoutException {
        String topic = "bench/" + runId + "/drain";
        String subscriberId = "bench-" + runId + "-drain-sub";
        long setupDeadline = System.nanoTime() + options.duration().toNanos();

        MqttClient subscription = Connector.await(
                connector.connect(subscriberId, false, new MqttClient.Listener() {}), setupDeadline, "CONNACK");
        Connector.await(subscription.subscribe(topic, QOS), setupDeadline, "SUBACK");
        subscription.disconnect().await();

        // No subscriber is online while publishing: nothing is to be delivered in this phase.
        Progress publishing = new Progress(1, 0);
        Publisher publisher = new Publisher(
                0, topic, QOS, options.messages(), options.payloadSize(), options.window(), 0, publishing);
        MqttClient publisherClient = Connector.await(
                connector.connect("bench-" + runId + "-drain-pub", true, publisher), setupDeadline, "CONNACK");
        long publishStart = System.nanoTime();
        publisher.start(
                publisherClient, publishStart, publishStart + options.duration().toNanos());
        publishing.await(
                publishStart + options.duration().toNanos() + options.grace().toNanos(), options.quietNanos());
        publisherClient.disconnect().await();

        Progress draining = new Progress(1, 1);
        draining.onPublisherFinished(publisher.acked().cardinality());
        Subscriber subscriber = new Subscriber(1, draining, new Latency());
        double cpuBefore = probe.cpuSeconds();
        double compilerBefore = probe.compilerCpuSeconds();
        long start = System.nanoTime();
        MqttClient reconnected = Connector.await(
                connector.connect(subscriberId, false, subscriber),
                start + options.grace().toNanos(),
                "CONNACK");
        draining.await(start + options.duration().toNanos() + options.grace().toNanos(), options.quietNanos());
        long last = draining.lastDeliveryNanos();
        double seconds = last > start ? (last - start) / 1e9 : 0;
        double cpuAfter = probe.cpuSeconds();
        double compilerCpu = probe.compilerCpuSeconds() - compilerBefore;
        reconnected.disconnect().await();
        discardSession(subscriberId, System.nanoTime() + options.grace().toNanos());

        DeliveryCheck check = DeliveryCheck.of(QOS, List.of(publisher), List.of(subscriber), new int[][] {{0}});
        return new Result(
                options,
                check.published(),
                check.delivered(),
                seconds,
                cpuBefore,
                cpuAfter,
                compilerCpu,
                null,
                Double.NaN,
                Double.NaN,
                null,
                check.failures(),
                check.notes());
    }

    /** A clean-session connect makes the broker forget the persistent session. */
    private void discardSession(String clientId, long deadlineNanos) throws InterruptedException, TimeoutException {
        Connector.await(connector.connect(clientId, true, new MqttClient.Listener() {}), deadlineNanos, "CONNACK")
                .disconnect()
                .await();
    }
}
