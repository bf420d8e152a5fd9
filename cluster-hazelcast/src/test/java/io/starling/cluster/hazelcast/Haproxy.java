package io.starling.cluster.hazelcast;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real HAProxy (Debian's {@code haproxy}, installed by {@code scripts/install-test-deps.sh})
 * in the foreground, balancing MQTT over TCP round-robin to the given nodes on 127.0.0.1,
 * with health checks and re-dispatch of refused connections to another node.
 */
final class Haproxy implements AutoCloseable {

    private final Process process;
    final int port;

    private Haproxy(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static String executable() {
        for (String candidate : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        throw new AssertionError("haproxy is not installed: run scripts/install-test-deps.sh");
    }

    static Haproxy start(Path dir, List<Integer> nodePorts) throws Exception {
        int port = ClusterProcesses.freePort();
        List<String> lines = new ArrayList<>(List.of(
            "global",
            "  maxconn 256",
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
        Path config = dir.resolve("haproxy.cfg");
        Files.write(config, lines);
        Process process = new ProcessBuilder(executable(), "-db", "-f", config.toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Haproxy haproxy = new Haproxy(process, port);
        haproxy.awaitListening(dir, 20_000);
        return haproxy;
    }

    private void awaitListening(Path dir, long timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("haproxy is not listening on " + port + ": "
                        + Files.readString(dir.resolve("haproxy.log")));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.toHandle().destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
