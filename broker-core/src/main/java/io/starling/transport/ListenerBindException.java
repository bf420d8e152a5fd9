package io.starling.transport;

import io.starling.config.ListenerSettings;

/**
 * A listener's socket could not be bound (the port is taken, the host is not an address of
 * this machine, a port below 1024 without the right): its message is the one line a person
 * reads, naming the listener, its address and the keys that choose them.
 */
public final class ListenerBindException extends RuntimeException {

    ListenerBindException(ListenerSettings listener, Throwable cause) {
        super(
                "the " + listener.kind() + " listener cannot bind " + listener.host() + ":" + listener.port() + ": "
                        + reason(cause) + " (choose another " + listener.path() + ".port or " + listener.path()
                        + ".host)",
                cause);
    }

    /**
     * The operating system's words, without the call that failed: "Address already in use"
     * from NIO's message and from Netty's "bind(..) failed with error(-98): Address already in use".
     */
    private static String reason(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return message.substring(message.lastIndexOf(": ") + 1).trim();
    }
}
