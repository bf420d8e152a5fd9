package io.starling.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A TCP port free on the loopback interface right now, for servers a test configures by port
 * number (cluster members, nodes in other processes, HAProxy). Servers of this JVM bind port 0.
 */
public final class FreePort {

    private FreePort() {
    }

    public static int next() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
