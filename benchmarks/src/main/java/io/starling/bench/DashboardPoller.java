package io.starling.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does what an open dashboard overview does to the broker while a run lasts: asks the admin API
 * for {@code /api/v1/nodes} every 3 s (the dashboard's poll interval). Comparing a run's msgs per
 * broker CPU-second with and without it gives the cost of watching the broker. Bounded: it stops
 * with the run, and each call times out.
 */
final class DashboardPoller implements AutoCloseable {

    /** The dashboard's poll interval (POLL_MILLIS in its app.js). */
    private static final long INTERVAL_MILLIS = 3000;

    private final ScheduledExecutorService timer;
    private final AtomicLong failures = new AtomicLong();

    private DashboardPoller(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts polling {@code baseUrl}; with an empty URL nothing is polled. */
    static DashboardPoller start(String baseUrl, String token) {
        if (baseUrl.isEmpty()) {
            return new DashboardPoller(null);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "dashboard-poller");
            thread.setDaemon(true);
            return thread;
        });
        DashboardPoller poller = new DashboardPoller(timer);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/nodes"))
                .timeout(Duration.ofSeconds(2))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
        timer.scheduleAtFixedRate(
                () -> {
                    try {
                        if (http.send(request, HttpResponse.BodyHandlers.discarding())
                                        .statusCode()
                                != 200) {
                            poller.failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        poller.failures.incrementAndGet();
                    }
                },
                0,
                INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
        return poller;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            if (failures.get() > 0) {
                System.err.println("LoadGenerator: " + failures.get() + " dashboard poll(s) failed");
            }
        }
    }
}
