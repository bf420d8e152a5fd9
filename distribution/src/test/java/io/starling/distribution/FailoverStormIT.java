package io.starling.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.bench.LoadGenerator;
import io.starling.bench.Options;
import io.starling.bench.Result;
import io.starling.bench.Scenario;
import io.starling.testing.TestProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failover storm of {@code scripts/compare.sh --failover}, small: the distribution's
 * three-node cluster example behind the real HAProxy, every node with the same password file
 * made by {@code bin/starling-passwd -U}; 300 clients, each its own user, connect through
 * HAProxy, the load generator kills node 1 with SIGKILL and every client that lost its
 * connection must be connected again through HAProxy (and every client's connection must
 * answer at the end).
 */
class FailoverStormIT {

    private static final int CLIENTS = 300;

    @TempDir
    Path temp;

    @Test
    void everyClientOfAKilledNodeReconnectsThroughTheBalancer() throws Exception {
        Path home = DistributionZip.unzipInto(temp);
        Path work = Files.createDirectories(temp.resolve("work"));
        Path passwords = work.resolve("storm.passwd");
        Files.writeString(
                passwords,
                IntStream.range(0, CLIENTS)
                        .mapToObj(i -> "storm-" + i + ":storm-" + i + "-pw\n")
                        .collect(Collectors.joining()));
        try (TestProcess hash = TestProcess.start(
                List.of(home.resolve("bin/starling-passwd").toString(), "-U", passwords.toString()),
                work,
                CleanEnvironment.of(Map.of()))) {
            assertEquals(0, hash.awaitExit(Duration.ofSeconds(60)), "starling-passwd -U: " + hash.output());
        }
        ExampleCluster cluster = ExampleCluster.start(
                home,
                work,
                node -> String.join(
                        "\n",
                        "starling.mqtt.allow-anonymous = false",
                        "starling.auth.plugins = [password-file]",
                        "starling.auth.password-file.file = \"" + passwords + "\""));
        try {
            Options.Builder options = new Options.Builder();
            options.port = cluster.balancerPort;
            options.scenario = Scenario.FAILOVER;
            options.connections = CLIENTS;
            options.pending = 64;
            options.duration = Duration.ofSeconds(120);
            options.killPid = cluster.node(0).process.pid();
            options.brokerPid = cluster.node(1).process.pid();
            options.subscriberBrokerPid = cluster.node(2).process.pid();
            Result result = LoadGenerator.run(options.build());

            assertTrue(result.passed(), "failures: " + result.failures() + ", notes: " + result.notes());
            assertTrue(
                    result.messages() > 0 && result.messages() < CLIENTS,
                    "some clients, not all, were on the killed node: " + result.messages());
            assertTrue(!cluster.node(0).process.isAlive(), "node 1 was killed");
        } finally {
            cluster.close();
            cluster.saveLogs(Path.of(System.getProperty("distribution.work.dir"), "failover-storm-logs"));
        }
    }
}
