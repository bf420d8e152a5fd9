package io.starling.spi;

import java.util.Objects;

/**
 * An authenticator's answer to one step of an MQTT 5 enhanced authentication
 * ({@link AuthExchange}): accept (CONNACK 0, or AUTH 0x00 after a re-authentication), send the
 * client a challenge (AUTH 0x18) and wait for its answer, refuse, or leave the method to the
 * next authenticator.
 */
public final class AuthStep {

    /** What the step decided. */
    public enum Outcome {
        /** The client is authenticated: CONNACK 0 (re-authentication: AUTH 0x00), with {@link #data()} if any. */
        SUCCESS,
        /** AUTH 0x18 with {@link #data()}; the client's answer comes back with {@link #state()}. */
        CONTINUE,
        /** Refused with {@link #refusal()}: CONNACK with its reason code (re-authentication: DISCONNECT). */
        REFUSED,
        /** Not this authenticator's method: the next one is asked; when none knows it, CONNACK 0x8C. */
        NO_OPINION
    }

    private static final AuthStep NO_OPINION = new AuthStep(Outcome.NO_OPINION, null, null, null);

    private final Outcome outcome;
    private final byte[] data;
    private final Object state;
    private final AuthResult refusal;

    private AuthStep(Outcome outcome, byte[] data, Object state, AuthResult refusal) {
        this.outcome = outcome;
        this.data = data;
        this.state = state;
        this.refusal = refusal;
    }

    /** Accepts the client; {@code data} (may be null) goes to it as Authentication Data. */
    public static AuthStep success(byte[] data) {
        return new AuthStep(Outcome.SUCCESS, data, null, null);
    }

    /**
     * Sends {@code data} to the client in AUTH 0x18; its answer reaches the same authenticator
     * with {@code state} (not null: the per-connection memory of the exchange, e.g. a nonce).
     */
    public static AuthStep challenge(byte[] data, Object state) {
        return new AuthStep(Outcome.CONTINUE, data, Objects.requireNonNull(state, "state"), null);
    }

    /** Refuses the client; {@code reason} is one of the refusals of {@link AuthResult}. */
    public static AuthStep refuse(AuthResult reason) {
        if (reason == AuthResult.ACCEPT || reason == AuthResult.NO_OPINION) {
            throw new IllegalArgumentException(reason + " is not a refusal");
        }
        return new AuthStep(Outcome.REFUSED, null, null, reason);
    }

    /** Not this authenticator's method. */
    public static AuthStep noOpinion() {
        return NO_OPINION;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The Authentication Data for the client (SUCCESS, CONTINUE), or null. */
    public byte[] data() {
        return data;
    }

    /** What the next step of the exchange is handed (CONTINUE), else null. */
    public Object state() {
        return state;
    }

    /** Why the client is refused (REFUSED), else null. */
    public AuthResult refusal() {
        return refusal;
    }
}
