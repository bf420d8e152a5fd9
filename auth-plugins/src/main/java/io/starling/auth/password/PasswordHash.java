package io.starling.auth.password;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA512 password hash, written as
 * {@code $pbkdf2-sha512$<iterations>$<salt, base64>$<hash, base64>} (standard base64 with
 * padding; 16 random salt bytes, 64 hash bytes). Only JDK crypto is used.
 */
public final class PasswordHash {

    /**
     * The cost of new entries: about 0.1-0.2 ms per check on one core, as Mosquitto 2's 101, so
     * that thousands of devices can reconnect in seconds. Machine-generated passwords of 128
     * random bits need no stretching at all; for passwords people choose, write entries with
     * {@code -I 210000} (OWASP's 2023 figure) and rely on the broker's cache of verified
     * passwords. docs/AUTH.md weighs both. Existing entries keep the cost written in them.
     */
    public static final int DEFAULT_ITERATIONS = 100;

    static final String PREFIX = "$pbkdf2-sha512$";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA512";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new hash of {@code password} with a fresh random salt. */
    public static PasswordHash create(char[] password, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive, was " + iterations);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /**
     * A hash no password matches, with the default cost: checking an unknown user's password
     * against it takes as long as checking a known one, so timing does not tell which users exist.
     */
    static PasswordHash unmatchable() {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return new PasswordHash(DEFAULT_ITERATIONS, salt, new byte[HASH_BYTES]);
    }

    /** Parses the written form; throws {@link IllegalArgumentException} saying what is wrong. */
    public static PasswordHash parse(String encoded) {
        String[] parts = encoded.split("\\$", -1);
        if (!encoded.startsWith(PREFIX) || parts.length != 5) {
            throw new IllegalArgumentException("not a hash of the form " + PREFIX + "<iterations>$<salt>$<hash>");
        }
        try {
            int iterations = Integer.parseInt(parts[2]);
            byte[] salt = Base64.getDecoder().decode(parts[3]);
            byte[] hash = Base64.getDecoder().decode(parts[4]);
            if (iterations < 1 || salt.length == 0 || hash.length != HASH_BYTES) {
                throw new IllegalArgumentException("bad iterations, salt or hash length");
            }
            return new PasswordHash(iterations, salt, hash);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed " + PREFIX + " hash: " + e.getMessage(), e);
        }
    }

    /**
     * Whether the password an MQTT client sent matches, compared in constant time. The bytes
     * must be UTF-8 (as typed into starling-passwd); anything else matches nothing.
     */
    public boolean matches(byte[] password) {
        char[] chars = strictUtf8(password);
        if (chars == null) {
            return false;
        }
        try {
            return MessageDigest.isEqual(hash, derive(chars, salt, iterations));
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    public String encoded() {
        Base64.Encoder base64 = Base64.getEncoder();
        return PREFIX + iterations + "$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // Every Java 17 runtime has PBKDF2WithHmacSHA512 (SunJCE).
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        } finally {
            spec.clearPassword();
        }
    }

    private static char[] strictUtf8(byte[] bytes) {
        try {
            CharBuffer decoded = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            char[] chars = new char[decoded.remaining()];
            decoded.get(chars);
            return chars;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
