package io.starling.distribution.fault;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.SocketFactory;

/**
 * The sockets of one Paho client object, whose link can be cut on the client's side only: after
 * {@link #cut} the object reads nothing more and what it writes goes nowhere, while the TCP
 * connection stays open for the broker until {@link #release}. A takeover then looks to the
 * broker as a device moving does (its old connection still open) and to the client as it does
 * to the device (the old link is dead).
 *
 * <p>Why: the old and the new client object of a takeover share one persistence, and Paho
 * reads it only when an object is constructed. Left running, the old object could store a QoS 2
 * PUBLISH after the new one read the persistence, and the new one would answer the PUBREL for
 * it without handing it to the application: a loss made by the test client, not the broker.
 * Cut first, the old object only finishes what it had read before.
 */
final class CuttableSockets extends SocketFactory {

    /** How long {@link #cut} waits for the reader thread to finish the packet it is handling. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final List<CuttableSocket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    @Override
    public Socket createSocket() {
        CuttableSocket socket = new CuttableSocket();
        sockets.add(socket);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected(new InetSocketAddress(address, port));
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket socket = createSocket();
        socket.connect(address);
        return socket;
    }

    /** Cuts the link; returns once no socket's reader is still inside a packet read before the cut. */
    void cut() {
        cut = true;
        long deadline = System.nanoTime() + SETTLE_NANOS;
        for (CuttableSocket socket : sockets) {
            while (!socket.settled() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
    }

    /** Closes the TCP connections (the broker sees them end, unless it closed them first). */
    void release() {
        for (CuttableSocket socket : sockets) {
            socket.closeForReal();
        }
    }

    private final class CuttableSocket extends Socket {

        private final Object gate = new Object();
        /** Inside a read of the underlying stream, or held at the cut: not handling a packet. */
        private volatile boolean reading;

        private volatile boolean closedByClient;
        private InputStream input;
        private OutputStream output;

        boolean settled() {
            return reading || closedByClient || isClosed() || !isConnected();
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        byte[] one = new byte[1];
                        int n = read(one, 0, 1);
                        return n < 0 ? n : one[0] & 0xff;
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        reading = true;
                        try {
                            holdWhileCut();
                            int n = super.read(buffer, offset, length);
                            holdWhileCut(); // what arrives after the cut never reaches the client
                            return n;
                        } finally {
                            reading = false;
                        }
                    }
                };
            }
            return input;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (output == null) {
                output = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(int b) throws IOException {
                        if (!cut) {
                            super.write(b);
                        }
                    }

                    @Override
                    public void write(byte[] buffer, int offset, int length) throws IOException {
                        if (!cut) {
                            out.write(buffer, offset, length); // the socket's stream, whole
                        }
                    }

                    @Override
                    public void flush() throws IOException {
                        if (!cut) {
                            super.flush();
                        }
                    }
                };
            }
            return output;
        }

        private void holdWhileCut() throws IOException {
            synchronized (gate) {
                while (cut && !closedByClient) {
                    try {
                        gate.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SocketException("interrupted while the link is cut");
                    }
                }
            }
            if (cut) {
                throw new SocketException("link cut");
            }
        }

        /** Paho closing a cut socket ends its reader; the connection stays open for the broker. */
        @Override
        public void close() throws IOException {
            closedByClient = true;
            synchronized (gate) {
                gate.notifyAll();
            }
            if (!cut) {
                super.close();
            }
        }

        void closeForReal() {
            try {
                super.close();
            } catch (IOException e) {
                // Closed already.
            }
        }
    }
}
