package io.starling.auth.password;

import io.starling.auth.file.ReloadingFile;
import io.starling.spi.AuthResult;
import io.starling.spi.Authenticator;
import io.starling.spi.ConnectInfo;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks user name and password against a password file, re-read when it changes. The
 * broker runs authenticators on its auth executor, so checking the file's time stamp and
 * the deliberately slow hash never blocks a network thread. A client without a user name
 * is not this authenticator's business: the rest of the chain (and in the end the broker's
 * allow-anonymous setting) decides.
 */
final class PasswordFileAuthenticator implements Authenticator {

    private static final PasswordHash UNKNOWN_USER = PasswordHash.unmatchable();
    private static final byte[] NO_PASSWORD = new byte[0];

    private final ReloadingFile<PasswordFile> file;
    /** Null when starling.auth.password-file.cache is off: every CONNECT pays the file's hash. */
    private final VerifiedPasswords verified;

    PasswordFileAuthenticator(ReloadingFile<PasswordFile> file, boolean cache) {
        this.file = file;
        this.verified = cache ? new VerifiedPasswords() : null;
    }

    @Override
    public void reload() {
        file.refresh();
    }

    @Override
    public CompletionStage<AuthResult> authenticate(ConnectInfo info) {
        if (info.username() == null) {
            return CompletableFuture.completedFuture(AuthResult.NO_OPINION);
        }
        PasswordFile passwords = file.refresh();
        String user = info.username();
        PasswordHash hash = passwords.hash(user);
        byte[] password = info.password() == null ? NO_PASSWORD : info.password();
        if (hash != null && verified != null && verified.known(passwords, user, password)) {
            return CompletableFuture.completedFuture(AuthResult.ACCEPT);
        }
        // An unknown user still costs one hash, so response time does not reveal which users exist.
        boolean matches = (hash == null ? UNKNOWN_USER : hash).matches(password);
        if (hash != null && matches && verified != null) {
            verified.remember(passwords, user, password);
        }
        return CompletableFuture.completedFuture(
                hash != null && matches ? AuthResult.ACCEPT : AuthResult.BAD_USERNAME_OR_PASSWORD);
    }
}
