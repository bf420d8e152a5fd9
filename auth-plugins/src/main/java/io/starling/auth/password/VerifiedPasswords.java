package io.starling.auth.password;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, per user, the password that last matched the user's hash, so that a reconnect
 * storm of known clients costs one HMAC each instead of the file's deliberately slow hash.
 * What is kept is not the password but HMAC-SHA256 of it under a key drawn at random when the
 * broker starts and never written anywhere. The memory is tied to one version of the password
 * file: when the file is re-read, everything remembered is forgotten, so a changed or deleted
 * user never gets in with an old password. At most one entry per user of the file.
 */
final class VerifiedPasswords {

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private volatile Generation current = new Generation(null);

    VerifiedPasswords() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        key = new SecretKeySpec(random, ALGORITHM);
    }

    /** Whether {@code password} is the one last verified for {@code user} in this version of the file. */
    boolean known(PasswordFile file, String user, byte[] password) {
        byte[] remembered = generation(file).digests.get(user);
        return remembered != null && MessageDigest.isEqual(remembered, digest(password));
    }

    /** {@code password} has just matched {@code user}'s hash in this version of the file. */
    void remember(PasswordFile file, String user, byte[] password) {
        generation(file).digests.put(user, digest(password));
    }

    private Generation generation(PasswordFile file) {
        Generation generation = current;
        if (generation.file != file) {
            // Another version of the file: start empty. Two threads may both replace it; either
            // empty generation is right, one remembered entry may be lost.
            generation = new Generation(file);
            current = generation;
        }
        return generation;
    }

    private byte[] digest(byte[] password) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(password);
        } catch (GeneralSecurityException e) {
            // Every Java 17 runtime has HmacSHA256 (SunJCE).
            throw new IllegalStateException(ALGORITHM + " is not available", e);
        }
    }

    private record Generation(PasswordFile file, Map<String, byte[]> digests) {
        Generation(PasswordFile file) {
            this(file, new ConcurrentHashMap<>());
        }
    }
}
