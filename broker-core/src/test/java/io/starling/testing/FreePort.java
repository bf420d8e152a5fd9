package io.starling.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * A TCP port free on the loopback interface right now, for servers a test configures by port
 * number (cluster members, nodes in other processes, HAProxy). Servers of this JVM bind port 0.
 */
public final class FreePort {

    /** The kernel may hand out a port it just gave (and the probe closed) again: never twice from here. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private static final int ATTEMPTS = 100;

    private FreePort() {}

    public static synchronized int next() throws IOException {
        for (int i = 0; i < ATTEMPTS; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
        throw new IOException("no loopback port that was not handed out before in " + ATTEMPTS + " attempts");
    }
}
