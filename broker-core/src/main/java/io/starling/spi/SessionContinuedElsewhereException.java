package io.starling.spi;

/**
 * A change to a session's stored queue was refused because another node holds the session now
 * (its client continued it there, or that node took it over from a node it counted as lost).
 * The session here is stale: it must not send the client what the change was for, and its
 * connection is closed so that the client finds the node holding its session.
 */
public final class SessionContinuedElsewhereException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public SessionContinuedElsewhereException(String clientId) {
        super("the session of " + clientId + " continued on another node");
    }

    /** Whether {@code failure}, or what it wraps, is this exception. */
    public static boolean isCause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SessionContinuedElsewhereException) {
                return true;
            }
        }
        return false;
    }
}
