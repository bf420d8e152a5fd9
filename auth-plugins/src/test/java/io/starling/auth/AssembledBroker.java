package io.starling.auth;

import io.starling.Broker;
import io.starling.BrokerAssembly;
import io.starling.metrics.BrokerMetrics;
import io.starling.testing.EmbeddedBroker;
import java.util.List;

/**
 * A broker put together by {@link BrokerAssembly} as Main does, so the built-in plugins are
 * found by their ids through ServiceLoader and configured from their blocks; on 127.0.0.1 and
 * a free port. Settings are HOCON lines under {@code starling}.
 */
final class AssembledBroker implements AutoCloseable {

    private final Broker broker;
    private final int port;

    private AssembledBroker(Broker broker) throws InterruptedException {
        this.broker = broker;
        broker.start();
        this.port = broker.port("ipv4");
    }

    static AssembledBroker start(String... settings) throws InterruptedException {
        return new AssembledBroker(BrokerAssembly.assemble(
                EmbeddedBroker.config(settings), AssembledBroker.class.getClassLoader(), List.of()));
    }

    BrokerMetrics metrics() {
        return broker.counters();
    }

    int port() {
        return port;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        broker.stop();
    }
}
