package io.starling.distribution;

import io.starling.testing.ExternalTool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitAllStrategy;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Containers for Starling nodes and HAProxy, from the local images that
 * {@code scripts/docker-setup.sh} builds out of Debian packages (no registry is reachable, so
 * nothing is pulled). Every container uses the host's network: servers bind 127.0.0.1 on
 * ports chosen by the test, and no port is published anywhere else.
 */
final class StarlingContainers {

    static final DockerImageName JRE = DockerImageName.parse("starling-test/jre17:1");
    static final DockerImageName HAPROXY = DockerImageName.parse("starling-test/haproxy:1");
    private static final Duration START = Duration.ofSeconds(120);
    /** Where the unzipped distribution appears in a node's container. */
    private static final String HOME = "/opt/starling";

    private StarlingContainers() {}

    /** Fails, naming the install script, when no Docker daemon answers (never skips: see ExternalTool). */
    static void requireDocker() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new AssertionError(ExternalTool.missing("Docker"));
        }
    }

    /**
     * A node running the distribution's own {@code bin/starling} from {@code home} (read-only),
     * with {@code nodeDir}'s {@code data/} and {@code logs/} in place of the installation's and
     * {@code nodeDir/node.conf} as its configuration. Ready once its MQTT listener is open on
     * {@code mqttPort} and its log says the cluster has {@code members} members.
     */
    static GenericContainer<?> node(Path home, Path nodeDir, int mqttPort, int members) throws IOException {
        for (String dir : List.of("data", "logs")) {
            Files.createDirectories(nodeDir.resolve(dir));
        }
        return new GenericContainer<>(JRE)
                .withNetworkMode("host")
                // The test's own user, so the files the node writes can be removed by the test.
                .withCreateContainerCmdModifier(cmd -> cmd.withUser(owner(nodeDir)))
                .withFileSystemBind(home.toString(), HOME, BindMode.READ_ONLY)
                .withFileSystemBind(nodeDir.resolve("data").toString(), HOME + "/data", BindMode.READ_WRITE)
                .withFileSystemBind(nodeDir.resolve("logs").toString(), HOME + "/logs", BindMode.READ_WRITE)
                .withFileSystemBind(
                        nodeDir.resolve("node.conf").toString(), "/etc/starling/node.conf", BindMode.READ_ONLY)
                // Three JVMs start at once on a small machine: C1 only and one GC thread start them sooner.
                .withEnv("JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
                .withCommand(HOME + "/bin/starling", "-c", "/etc/starling/node.conf")
                .waitingFor(new WaitAllStrategy(WaitAllStrategy.Mode.WITH_INDIVIDUAL_TIMEOUTS_ONLY)
                        .withStrategy(Wait.forLogMessage(
                                        ".*Opening ipv4 listen socket on 127\\.0\\.0\\.1:" + mqttPort + " .*\\n", 1)
                                .withStartupTimeout(START))
                        .withStrategy(Wait.forLogMessage(".*Cluster now has " + members + " member\\(s\\)\\..*\\n", 1)
                                .withStartupTimeout(START)));
    }

    /**
     * HAProxy in TCP mode on 127.0.0.1:{@code port}, balancing round-robin over the nodes'
     * MQTT ports with health checks, a refused connection re-dispatched to another node.
     */
    static GenericContainer<?> haproxy(int port, List<Integer> nodePorts) {
        List<String> lines = new ArrayList<>(List.of(
                "defaults",
                "  mode tcp",
                "  timeout connect 2s",
                "  timeout client 120s",
                "  timeout server 120s",
                "  retries 3",
                "  option redispatch",
                "frontend mqtt",
                "  bind 127.0.0.1:" + port,
                "  default_backend starling",
                "backend starling",
                "  balance roundrobin"));
        for (int i = 0; i < nodePorts.size(); i++) {
            lines.add("  server node" + i + " 127.0.0.1:" + nodePorts.get(i) + " check inter 500ms fall 2 rise 1");
        }
        // The image's command reads /etc/haproxy/haproxy.cfg.
        return new GenericContainer<>(HAPROXY)
                .withNetworkMode("host")
                .withCopyToContainer(Transferable.of(String.join("\n", lines) + "\n"), "/etc/haproxy/haproxy.cfg")
                .waitingFor(new Accepting(port).withStartupTimeout(START));
    }

    private static String owner(Path path) {
        try {
            return Files.getAttribute(path, "unix:uid") + ":" + Files.getAttribute(path, "unix:gid");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the owner of " + path, e);
        }
    }

    /**
     * Ready once 127.0.0.1:{@code port} accepts a connection (host networking maps no ports,
     * so Testcontainers' port strategies do not apply); fails at once if the container exited.
     */
    private static final class Accepting extends AbstractWaitStrategy {

        private final int port;

        Accepting(int port) {
            this.port = port;
        }

        @Override
        protected void waitUntilReady() {
            long deadline = System.nanoTime() + startupTimeout.toNanos();
            while (true) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    return;
                } catch (IOException notYet) {
                    if (!waitStrategyTarget.isRunning()) {
                        throw new ContainerLaunchException("the container exited before accepting on port " + port
                                + ":\n" + waitStrategyTarget.getLogs());
                    }
                    if (System.nanoTime() > deadline) {
                        throw new ContainerLaunchException("nothing accepts on port " + port + " after "
                                + startupTimeout + ":\n" + waitStrategyTarget.getLogs());
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
                }
            }
        }
    }
}
