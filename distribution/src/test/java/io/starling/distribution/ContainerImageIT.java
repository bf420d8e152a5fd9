package io.starling.distribution;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.starling.testing.FreePort;
import io.starling.testing.PahoClients;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One node from the project's image, as {@code docker run} starts it (host network, ports on
 * 127.0.0.1 from the environment, a named volume for data/): configured by STARLING_ variables
 * only, healthy by its HEALTHCHECK, logging to stdout only, stopped by SIGTERM with exit code 0,
 * and its data kept in the volume across a restart of the container.
 */
class ContainerImageIT {

    private static final Duration START = Duration.ofMinutes(3);

    private static StarlingImage image;
    private static String container;
    private static String volume;
    private static int mqttPort;

    @BeforeAll
    static void buildTheImage() throws Exception {
        image = StarlingImage.build();
        volume = "starling-it-data-" + UUID.randomUUID().toString().substring(0, 8);
        mqttPort = FreePort.next();
        int httpPort = FreePort.next();
        container = Commands.lastLine(Commands.docker(
                "run",
                "-d",
                "--network",
                "host",
                "-e",
                "STARLING_LISTENER_HOST=127.0.0.1",
                "-e",
                "STARLING_LISTENER_PORT=" + mqttPort,
                "-e",
                "STARLING_HTTP_HOST=127.0.0.1",
                "-e",
                "STARLING_HTTP_PORT=" + httpPort,
                "-v",
                volume + ":/opt/starling/data",
                image.name()));
    }

    @AfterAll
    static void removeEverything() throws Exception {
        if (container != null) {
            Commands.docker("rm", "-f", container);
        }
        if (volume != null) {
            Commands.docker("volume", "rm", volume);
        }
        if (image != null) {
            image.remove();
        }
    }

    @Test
    void aNodeConfiguredFromTheEnvironmentStopsCleanlyAndKeepsItsDataInTheVolume() throws Exception {
        Commands.awaitHealthy(container, START);
        assertEquals("1883", Commands.lastLine(Commands.docker("exec", container, "id", "-u")));
        try (PahoClients publisher = PahoClients.connect("tcp://127.0.0.1:" + mqttPort, "image-pub")) {
            publisher.client().publish("image/kept", "in the volume".getBytes(UTF_8), 1, true);
        }
        // Logs go to stdout (docker logs), none to files in the container.
        assertEquals(
                "",
                Commands.docker("exec", container, "ls", "-A", "/opt/starling/logs")
                        .strip());
        assertTrue(Commands.docker("logs", container).contains("New client connected from 127.0.0.1"));

        // SIGTERM with Docker's default grace: a clean stop exits 0 (SIGKILL would be 137).
        Commands.docker("stop", container);
        assertEquals("0", Commands.lastLine(Commands.docker("inspect", "--format", "{{.State.ExitCode}}", container)));
        assertTrue(Commands.docker("logs", container).contains("Broker stopped."));

        Commands.docker("start", container);
        Commands.awaitHealthy(container, START);
        try (PahoClients subscriber = PahoClients.connect("tcp://127.0.0.1:" + mqttPort, "image-sub")) {
            subscriber.client().subscribe("image/kept", 1);
            PahoClients.Received retained = subscriber.next();
            assertEquals("in the volume", retained.text());
            assertTrue(retained.message().isRetained());
        }
    }
}
