package io.starling.admin;

import io.starling.transport.HttpReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's files, served from the jar ({@code io/starling/admin/dashboard/}): one page,
 * its script and style, nothing from outside the machine. Only the files listed here are
 * served; each is read once.
 */
final class DashboardAssets {

    static final String PREFIX = "/dashboard/";
    private static final String DIRECTORY = "/io/starling/admin/dashboard/";
    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "charts.js", "text/javascript; charset=utf-8",
            "mqtt.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** The file under /dashboard/ (the page itself for /dashboard/), or null when there is none. */
    HttpReply file(String path) {
        String name = path.substring(PREFIX.length());
        if (name.isEmpty()) {
            name = "index.html";
        }
        String type = FILES.get(name);
        if (type == null) {
            return null;
        }
        byte[] body = cache.computeIfAbsent(name, DashboardAssets::read);
        return new HttpReply(200, type, body, Map.of("cache-control", "no-cache"));
    }

    private static byte[] read(String name) {
        try (InputStream in = DashboardAssets.class.getResourceAsStream(DIRECTORY + name)) {
            if (in == null) {
                throw new IllegalStateException("the jar has no " + DIRECTORY + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
