package io.starling.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Does what an open dashboard does to the broker while a run lasts, in its costliest page: the
 * Topics page, which asks the admin API for {@code /api/v1/nodes} and {@code /api/v1/topics}
 * every 3 s (the dashboard's poll interval), so the broker counts every PUBLISH per topic tree
 * meanwhile. Comparing a run's msgs per broker CPU-second with and without it gives the cost of
 * watching the broker. Bounded: it stops with the run, and each call times out.
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
        List<HttpRequest> requests = Stream.of("/api/v1/nodes", "/api/v1/topics?depth=2")
                .map(path -> HttpRequest.newBuilder(URI.create(baseUrl + path))
                        .timeout(Duration.ofSeconds(2))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build())
                .toList();
        timer.scheduleAtFixedRate(
                () -> {
                    for (HttpRequest request : requests) {
                        try {
                            if (http.send(request, HttpResponse.BodyHandlers.discarding())
                                            .statusCode()
                                    != 200) {
                                poller.failures.incrementAndGet();
                            }
                        } catch (InterruptedException e) {
                            // The run is over (close): not a failed poll.
                            Thread.currentThread().interrupt();
                            return;
                        } catch (IOException e) {
                            poller.failures.incrementAndGet();
                        }
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
