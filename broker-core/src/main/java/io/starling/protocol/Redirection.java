package io.starling.protocol;

import io.starling.protocol.mqtt5.ReasonCode;

/**
 * Whether this node sends clients to another server (MQTT 5 section 4.11): a node being
 * drained (0x9C use another server) or gone for good (0x9D server moved). While it does, a new
 * CONNECT is refused with that reason code and the Server Reference (MQTT 3.1/3.1.1: CONNACK
 * 3). Set from {@code starling.mqtt5.redirect} and by the admin API; the listeners also fire it
 * on every connection as the pipeline event that sends connected clients away.
 */
public final class Redirection {

    private volatile ReasonCode code;
    private volatile String mode;
    private final String serverReference;

    /** @param mode one of {@link io.starling.config.Mqtt5Settings#REDIRECTS} */
    public Redirection(String mode, String serverReference) {
        this.serverReference = serverReference.isEmpty() ? null : serverReference;
        set(mode);
    }

    /** Starts or stops sending clients away; {@code mode} as in {@code starling.mqtt5.redirect}. */
    public void set(String mode) {
        code = switch (mode) {
            case "none" -> null;
            case "use-another-server" -> ReasonCode.USE_ANOTHER_SERVER;
            case "server-moved" -> ReasonCode.SERVER_MOVED;
            default -> throw new IllegalArgumentException("unknown redirect mode '" + mode + "'");
        };
        this.mode = mode;
    }

    /** The mode in effect, as in {@code starling.mqtt5.redirect}. */
    public String mode() {
        return mode;
    }

    /** The reason code clients are sent away with, null while they are not. */
    ReasonCode code() {
        return code;
    }

    /** The configured Server Reference, or null. */
    String serverReference() {
        return serverReference;
    }
}
