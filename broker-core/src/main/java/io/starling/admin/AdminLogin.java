package io.starling.admin;

import io.starling.auth.FailedLogins;
import io.starling.config.LoginLimits;
import io.starling.metrics.ThrottledLog;
import io.starling.spi.AuthResult;
import io.starling.spi.Authenticator;
import io.starling.spi.ConnectInfo;
import io.starling.transport.HttpCall;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the admin API: an admin user who logged in with the password of the admin
 * password file (a cookie then names the login: HttpOnly, SameSite=Strict, Secure under TLS),
 * or a caller sending the configured token as {@code Authorization: Bearer}. Calls that change
 * something must also carry the {@value #CSRF_HEADER} header, which a page of another site
 * cannot send without the browser asking first (and this server never allows it), and an
 * {@code Origin}, if sent, of this server. Failed logins are held back as failed MQTT logins are
 * ({@link FailedLogins}, with a tally of their own). Refused calls are logged, at most one line
 * per 10 s with their count, so a flood of them cannot flood the log.
 */
public final class AdminLogin {

    static final String COOKIE = "starling-admin";
    static final String CSRF_HEADER = "x-starling-admin";
    /** Logins kept at most: older ones are forgotten first when more come. */
    private static final int MAX_LOGINS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(AdminLogin.class);

    private record Login(String user, long expiresNanos) {}

    private final Authenticator passwords;
    private final byte[] token;
    private final Executor hashing;
    private final long lifetimeNanos;
    private final LongSupplier nanoTime;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Login> logins = new ConcurrentHashMap<>();
    private final ThrottledLog refusals = new ThrottledLog(LOG, Duration.ofSeconds(10));
    /** Failed admin logins per address and user, held back by the limits of starling.auth.failed-logins. */
    private final FailedLogins failures;

    /**
     * @param passwords checks a user's password (the password-file plugin reading the admin
     *     file), or null when only the token is accepted
     * @param token     the token, or empty for none
     * @param hashing   where passwords are checked (a password hash is too slow for an event loop)
     */
    public AdminLogin(
            Authenticator passwords,
            String token,
            Executor hashing,
            Duration lifetime,
            LoginLimits limits,
            LongSupplier nanoTime) {
        this.passwords = passwords;
        this.token = token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.hashing = hashing;
        this.lifetimeNanos = lifetime.toNanos();
        this.nanoTime = nanoTime;
        this.failures = new FailedLogins(limits, nanoTime);
    }

    /** The admin user of the call (the token's caller is "token"), or null when it is not logged in. */
    String user(HttpCall call) {
        String authorization = call.header("authorization");
        if (token != null && authorization != null && authorization.startsWith("Bearer ")) {
            byte[] offered = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
            return MessageDigest.isEqual(offered, token) ? "token" : null;
        }
        String id = cookie(call.header("cookie"));
        Login login = id == null ? null : logins.get(id);
        if (login == null) {
            return null;
        }
        if (nanoTime.getAsLong() - login.expiresNanos > 0) {
            logins.remove(id, login);
            return null;
        }
        return login.user;
    }

    /**
     * Whether a call that changes something comes from the dashboard (or a script), not from a
     * page of another site: it carries the custom header, and its Origin, if any, is this server.
     */
    boolean sameSite(HttpCall call) {
        if (call.header(CSRF_HEADER) == null) {
            return false;
        }
        String origin = call.header("origin");
        String host = call.header("host");
        return origin == null
                || (host != null && (origin.equals("http://" + host) || origin.equals("https://" + host)));
    }

    /**
     * Seconds the caller must wait after too many failed logins from its address or with this
     * user name (starling.auth.failed-logins), or 0.
     */
    long heldBackSeconds(String user, HttpCall call) {
        long nanos = failures.holdNanos(address(call), user);
        return nanos == 0 ? 0 : Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    /** Checks the user's password; completes with the Set-Cookie value of a new login, or null when refused. */
    CompletionStage<String> login(String user, String password, HttpCall call) {
        if (passwords == null || user == null || user.isEmpty() || password == null) {
            return CompletableFuture.completedFuture(null);
        }
        ConnectInfo info =
                new ConnectInfo("admin-api", user, password.getBytes(StandardCharsets.UTF_8), call.remote(), 4, null);
        return CompletableFuture.supplyAsync(() -> passwords.authenticate(info), hashing)
                .thenCompose(result -> result)
                .thenApply(result -> {
                    if (result != AuthResult.ACCEPT) {
                        failures.failed(address(call), user);
                        return null;
                    }
                    failures.succeeded(user);
                    return newLogin(user, call.secure());
                });
    }

    private static Object address(HttpCall call) {
        return call.remote() == null ? null : call.remote().getAddress();
    }

    private String newLogin(String user, boolean secure) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        forgetExpired();
        logins.put(id, new Login(user, nanoTime.getAsLong() + lifetimeNanos));
        LOG.info("Admin user {} logged in.", user);
        return COOKIE + "=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + lifetimeNanos / 1_000_000_000L
                + (secure ? "; Secure" : "");
    }

    private void forgetExpired() {
        long now = nanoTime.getAsLong();
        logins.values().removeIf(login -> now - login.expiresNanos > 0);
        Iterator<String> oldest = logins.keySet().iterator();
        while (logins.size() >= MAX_LOGINS && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    /** Ends the call's login; returns the Set-Cookie value that clears the cookie. */
    String logout(HttpCall call) {
        String id = cookie(call.header("cookie"));
        if (id != null) {
            logins.remove(id);
        }
        return COOKIE + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
    }

    /** Logs a refused call (at most one line per interval, with the count). */
    void refused(HttpCall call, String why) {
        refusals.event(
                "Refused {} admin API request(s); the last: {} {} from {}: {}.",
                call.method(),
                call.path(),
                call.remote() == null ? "?" : call.remote().getHostString(),
                why);
    }

    private static String cookie(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String trimmed = part.trim();
            if (trimmed.startsWith(COOKIE + "=")) {
                return trimmed.substring(COOKIE.length() + 1);
            }
        }
        return null;
    }
}
