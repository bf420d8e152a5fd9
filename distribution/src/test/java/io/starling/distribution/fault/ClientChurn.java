package io.starling.distribution.fault;

import io.starling.distribution.ExampleCluster;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * The client track of the scheduler, alongside the node track (so a subscriber can be offline
 * while a node dies, issue 25's case): at random gaps, a takeover of a random client on a random
 * node, or a random subscriber going offline cleanly and coming back through HAProxy later.
 */
final class ClientChurn implements Runnable {

    private final ExampleCluster cluster;
    private final Random random;
    private final List<FaultKind> kinds;
    private final List<FaultPublisher> publishers;
    private final List<FaultSubscriber> subscribers;
    private final Stopper stopper;
    private final EventLog log;

    ClientChurn(
            ExampleCluster cluster,
            Random random,
            List<FaultKind> kinds,
            List<FaultPublisher> publishers,
            List<FaultSubscriber> subscribers,
            Stopper stopper,
            EventLog log) {
        this.cluster = cluster;
        this.random = random;
        this.kinds = List.copyOf(kinds);
        this.publishers = publishers;
        this.subscribers = subscribers;
        this.stopper = stopper;
        this.log = log;
    }

    @Override
    public void run() {
        try {
            while (!kinds.isEmpty() && stopper.pause(Duration.ofMillis(1000 + random.nextInt(3001)))) {
                FaultKind kind = kinds.get(random.nextInt(kinds.size()));
                ExampleCluster.Node node = cluster.nodes.get(random.nextInt(cluster.nodes.size()));
                if (kind == FaultKind.OFFLINE) {
                    FaultSubscriber subscriber = subscribers.get(random.nextInt(subscribers.size()));
                    Duration away = Duration.ofMillis(1000 + random.nextInt(7001));
                    log.fault(
                            kind,
                            subscriber.clientId + " disconnects, back through HAProxy in " + away.toMillis() + " ms");
                    subscriber.goOffline(away);
                } else if (random.nextInt(3) == 0) {
                    FaultPublisher publisher = publishers.get(random.nextInt(publishers.size()));
                    log.fault(kind, publisher.clientId + " reconnects to " + node.name);
                    publisher.moveTo(node.url());
                } else {
                    FaultSubscriber subscriber = subscribers.get(random.nextInt(subscribers.size()));
                    log.fault(kind, subscriber.clientId + " connects to " + node.name + " while connected elsewhere");
                    subscriber.takeOverAt(node.url(), node.name);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
