package com.example.starling;

import io.starling.spi.AuthExchange;
import io.starling.spi.AuthResult;
import io.starling.spi.AuthStep;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * An MQTT 5 enhanced authentication method, {@value #METHOD}: a challenge-response on the
 * shared secret that never sends the secret, and that proves to the client that the broker
 * knows it too.
 *
 * <pre>
 * client  CONNECT  Authentication Method "HMAC-SHA256", Data = client nonce (16+ random bytes)
 * broker  AUTH 0x18                                      Data = server nonce (16 random bytes)
 * client  AUTH 0x18                                      Data = HMAC-SHA256(secret, client nonce + server nonce)
 * broker  CONNACK 0                                      Data = HMAC-SHA256(secret, server nonce + client nonce)
 * </pre>
 *
 * A wrong answer gets CONNACK 0x86. The same exchange re-authenticates a connected client
 * (AUTH 0x19 with a new client nonce; AUTH 0x00 instead of CONNACK); a wrong answer there ends
 * the connection with DISCONNECT 0x87.
 */
final class HmacChallenge {

    static final String METHOD = "HMAC-SHA256";
    private static final int NONCE_BYTES = 16;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    HmacChallenge(byte[] secret) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** What is remembered between the challenge and the answer: both nonces. */
    private record Nonces(byte[] client, byte[] server) {}

    AuthStep step(AuthExchange exchange) {
        if (!METHOD.equals(exchange.method())) {
            return AuthStep.noOpinion();
        }
        if (exchange.isFirstStep()) {
            byte[] clientNonce = exchange.data();
            if (clientNonce == null || clientNonce.length < NONCE_BYTES) {
                return AuthStep.refuse(AuthResult.NOT_AUTHORIZED);
            }
            byte[] serverNonce = new byte[NONCE_BYTES];
            random.nextBytes(serverNonce);
            return AuthStep.challenge(serverNonce, new Nonces(clientNonce, serverNonce));
        }
        Nonces nonces = (Nonces) exchange.state();
        byte[] expected = hmac(nonces.client(), nonces.server());
        // Compare in constant time so response times do not leak the expected answer.
        if (exchange.data() == null || !MessageDigest.isEqual(expected, exchange.data())) {
            return AuthStep.refuse(AuthResult.BAD_USERNAME_OR_PASSWORD);
        }
        return AuthStep.success(hmac(nonces.server(), nonces.client()));
    }

    /** HMAC-SHA256 over {@code first} then {@code second}. */
    private byte[] hmac(byte[] first, byte[] second) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(first);
            return mac.doFinal(second);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
