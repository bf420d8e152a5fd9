package io.starling.storage.mapdb;

import io.starling.testing.BrokerProcess;
import io.starling.testing.EmbeddedBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Brokers on a MapDB store of a test: in the test's JVM, or the real Main in a JVM of its own. */
final class MapDbBrokers {

    /** How long a broker process may take to start or stop. */
    static final long WAIT_MILLIS = 60_000;

    private MapDbBrokers() {}

    /** A broker in this JVM on the store in {@code directory} (durability always). */
    static EmbeddedBroker embedded(Path directory) throws InterruptedException {
        return EmbeddedBroker.start(
                MapDbStorageProvider.open(
                        new MapDbSettings(directory, Durability.ALWAYS, Duration.ofSeconds(1), 0, 0, 0)),
                List.of(),
                List.of());
    }

    /** A broker process with the configuration file (see {@link MapDbBrokerConfig}), once it listens. */
    static BrokerProcess process(Path config) throws Exception {
        BrokerProcess broker = BrokerProcess.start(List.of("-c", config.toString()), Map.of());
        broker.awaitPort(WAIT_MILLIS);
        return broker;
    }

    /** Keeps the process's log in {@code target/<folder>/broker-<run>.log}, for a failure's reader. */
    static void saveLog(BrokerProcess broker, String folder, int run) throws Exception {
        Path logs = Files.createDirectories(Path.of("target", folder));
        Files.writeString(logs.resolve("broker-" + run + ".log"), broker.output());
    }
}
