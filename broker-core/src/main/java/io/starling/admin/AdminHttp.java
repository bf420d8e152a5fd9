package io.starling.admin;

import io.starling.routing.MessageIds;
import io.starling.routing.RetainedMessages;
import io.starling.spi.ClusterBus;
import io.starling.transport.HttpCall;
import io.starling.transport.HttpReply;
import io.starling.transport.HttpRoutes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener's routes: the dashboard's files under {@code /dashboard/} (and {@code /},
 * which leads there), login and logout, and the admin API under {@code /api/v1/} for logged-in
 * callers. Every answer of the API is JSON, errors too: {@code {"error": "..."}} with 400 for bad
 * parameters, 401 without login, 403 for a cross-site call, 404 for unknown ids.
 */
public final class AdminHttp implements HttpRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHttp.class);
    /** What the dashboard's page may load and connect to: this server only (and its WebSocket listener). */
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "content-security-policy",
            "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'",
            "x-content-type-options",
            "nosniff",
            "referrer-policy",
            "no-referrer");

    private final AdminLogin login;
    private final AdminApi api;
    private final DashboardAssets assets = new DashboardAssets();
    private final String websocketPath;

    /** @param websocketPath the path of the MQTT WebSocket listener, for the dashboard's MQTT client */
    public AdminHttp(
            AdminLogin login,
            LocalAnswers local,
            ClusterBus cluster,
            RetainedMessages retained,
            MessageIds messageIds,
            String websocketPath) {
        this.login = login;
        this.api = new AdminApi(new ClusterAdmin(local, cluster), retained, cluster, messageIds);
        this.websocketPath = websocketPath;
    }

    @Override
    public CompletionStage<HttpReply> answer(HttpCall call) {
        String path = call.path();
        CompletionStage<HttpReply> reply;
        if (path.equals("/") || path.equals("/dashboard")) {
            reply = done(new HttpReply(302, "text/plain", new byte[0], Map.of("location", DashboardAssets.PREFIX)));
        } else if (path.startsWith(DashboardAssets.PREFIX)) {
            HttpReply file = call.method().equals("GET") ? assets.file(path) : null;
            reply = done(file != null ? file : error(404, "no such file: " + path));
        } else if (path.startsWith(AdminApi.PREFIX)) {
            reply = api(call).exceptionally(AdminHttp::failure);
        } else {
            return null;
        }
        return reply.thenApply(AdminHttp::secured);
    }

    private CompletionStage<HttpReply> api(HttpCall call) {
        boolean changes = !call.method().equals("GET") && !call.method().equals("HEAD");
        if (changes && !login.sameSite(call)) {
            login.refused(call, "no " + AdminLogin.CSRF_HEADER + " header or another site's Origin");
            return done(error(403, "state-changing calls need the " + AdminLogin.CSRF_HEADER + " header"));
        }
        String path = call.path();
        if (path.equals(AdminApi.PREFIX + "login") && call.method().equals("POST")) {
            long wait = login.heldBackSeconds(call.parameter("user"), call);
            if (wait > 0) {
                login.refused(call, "held back after failed logins");
                return done(error(429, "too many failed logins; try again in " + wait + " s")
                        .with("retry-after", Long.toString(wait)));
            }
            return login.login(call.parameter("user"), call.parameter("password"), call)
                    .thenApply(cookie -> {
                        if (cookie == null) {
                            login.refused(call, "wrong user name or password");
                            return error(401, "wrong user name or password");
                        }
                        return HttpReply.json(200, Json.write(Map.of("user", call.parameter("user"))))
                                .with("set-cookie", cookie);
                    });
        }
        if (path.equals(AdminApi.PREFIX + "logout") && call.method().equals("POST")) {
            return done(HttpReply.json(200, "{}").with("set-cookie", login.logout(call)));
        }
        String user = login.user(call);
        if (user == null) {
            if (!path.equals(AdminApi.PREFIX + "me")) {
                // (The dashboard asks /me at every page load to learn whether it is logged in.)
                login.refused(call, "not logged in");
            }
            return done(error(401, "log in first (POST " + AdminApi.PREFIX + "login) or send the admin token"));
        }
        if (path.equals(AdminApi.PREFIX + "me")) {
            LinkedHashMap<String, Object> me = new LinkedHashMap<>();
            me.put("user", user);
            me.put("websocketPath", websocketPath);
            return done(HttpReply.json(200, Json.write(me)));
        }
        try {
            return api.answer(call).thenApply(value -> HttpReply.json(200, Json.write(value)));
        } catch (ApiError e) {
            return done(error(e.status, e.getMessage()));
        }
    }

    private static HttpReply failure(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ApiError error) {
            return error(error.status, error.getMessage());
        }
        LOG.warn("Admin API call failed: {}", cause.toString());
        return error(500, "the call failed: " + cause);
    }

    private static HttpReply error(int status, String message) {
        return HttpReply.json(status, Json.write(Map.of("error", message)));
    }

    private static HttpReply secured(HttpReply reply) {
        HttpReply secured = reply;
        for (Map.Entry<String, String> header : SECURITY_HEADERS.entrySet()) {
            secured = secured.with(header.getKey(), header.getValue());
        }
        return secured;
    }

    private static CompletionStage<HttpReply> done(HttpReply reply) {
        return CompletableFuture.completedFuture(reply);
    }
}
