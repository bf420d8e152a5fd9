package io.starling.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.config.LoginLimits;
import io.starling.spi.AuthResult;
import io.starling.spi.Authenticator;
import io.starling.spi.ConnectInfo;
import io.starling.transport.HttpCall;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link AdminLogin} alone: a stand-in password check and a fake clock. */
class AdminLoginTest {

    private static final String TOKEN = "token-0123456789abcdef";

    private final AtomicLong clock = new AtomicLong();
    /** Accepts the password "right" only. */
    private final Authenticator passwords = new Authenticator() {
        @Override
        public CompletionStage<AuthResult> authenticate(ConnectInfo info) {
            boolean right = "right".equals(new String(info.password(), StandardCharsets.UTF_8));
            return CompletableFuture.completedFuture(right ? AuthResult.ACCEPT : AuthResult.BAD_USERNAME_OR_PASSWORD);
        }
    };

    private final AdminLogin login = new AdminLogin(
            passwords,
            TOKEN,
            Runnable::run,
            Duration.ofHours(1),
            new LoginLimits(
                    0,
                    3,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(60),
                    Duration.ofMinutes(10),
                    LoginLimits.Action.REFUSE),
            clock::get);

    private static HttpCall call(String method, Map<String, String> headers) {
        return new HttpCall(
                method, "/api/v1/nodes", Map.of(), headers, new InetSocketAddress("127.0.0.1", 40000), false);
    }

    private static String cookieValue(String setCookie) {
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    @Test
    void theTokenLetsInAndAnotherDoesNot() {
        assertEquals("token", login.user(call("GET", Map.of("authorization", "Bearer " + TOKEN))));
        assertNull(login.user(call("GET", Map.of("authorization", "Bearer " + TOKEN + "x"))));
        assertNull(login.user(call("GET", Map.of())));
    }

    @Test
    void aLoginLastsItsLifetime() {
        String setCookie = login.login("admin", "right", call("POST", Map.of()))
                .toCompletableFuture()
                .join();
        assertNotNull(setCookie);
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"), setCookie);
        HttpCall withCookie = call("GET", Map.of("cookie", "other=1; " + cookieValue(setCookie)));
        assertEquals("admin", login.user(withCookie));
        clock.addAndGet(Duration.ofHours(1).toNanos() + 1);
        assertNull(login.user(withCookie), "expired");
    }

    @Test
    void failedLoginsAreHeldBack() {
        for (int i = 0; i < 3; i++) {
            assertEquals(0, login.heldBackSeconds("admin", call("POST", Map.of())));
            assertNull(login.login("admin", "wrong", call("POST", Map.of()))
                    .toCompletableFuture()
                    .join());
        }
        assertTrue(login.heldBackSeconds("admin", call("POST", Map.of())) > 0);
        assertEquals(0, login.heldBackSeconds("someone-else", call("POST", Map.of())));
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        assertEquals(0, login.heldBackSeconds("admin", call("POST", Map.of())));
    }

    @Test
    void stateChangesNeedTheHeaderAndThisSitesOrigin() {
        assertFalse(login.sameSite(call("POST", Map.of())));
        Map<String, String> headers = new HashMap<>(Map.of(AdminLogin.CSRF_HEADER, "1", "host", "127.0.0.1:9398"));
        assertTrue(login.sameSite(call("POST", headers)));
        headers.put("origin", "http://127.0.0.1:9398");
        assertTrue(login.sameSite(call("POST", headers)));
        for (String other : List.of("http://evil.example", "null", "http://127.0.0.1:9399")) {
            headers.put("origin", other);
            assertFalse(login.sameSite(call("POST", headers)), other);
        }
    }
}
