package io.starling.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP port free on the loopback interface right now, for servers a test configures by port
 * number (cluster members, nodes in other processes, HAProxy). Servers of this JVM bind port 0.
 *
 * <p>The port is taken below the kernel's ephemeral range: a port from that range (what binding
 * port 0 gives) can be handed to some process's outgoing connection, or its port-0 listener,
 * between the probe and the server's bind, and the server then fails with "Address already in
 * use" (seen with a node's HTTP listener while three nodes and Hazelcast were connecting). Below
 * the range, only a server asking for that very port can take it.
 */
public final class FreePort {

    /** Never the same port twice from this JVM: a server may not have bound the first one yet. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private static final int ATTEMPTS = 1000;
    private static final int LOWEST = 10_000;

    private FreePort() {}

    public static synchronized int next() throws IOException {
        int below = ephemeralRangeStart();
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (!HANDED_OUT.contains(port) && isFree(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new IOException(
                "no free loopback port between " + LOWEST + " and " + below + " in " + ATTEMPTS + " attempts");
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The first port of the kernel's ephemeral range (Linux: ip_local_port_range), 32768 if unknown. */
    private static int ephemeralRangeStart() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim();
            int start = Integer.parseInt(range.split("\\s+")[0]);
            return start > LOWEST + 1_000 ? start : 32_768;
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
