package io.starling.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.starling.testing.TestProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/** Command-line tools the container tests drive (docker, docker-compose, the build script). */
final class Commands {

    private static final Duration LIMIT = Duration.ofMinutes(4);

    private Commands() {}

    /** Runs {@code command} in {@code directory}, asserts that it succeeded and returns its output. */
    static String run(List<String> command, Path directory, Map<String, String> environment) throws Exception {
        try (TestProcess process = TestProcess.start(command, directory, environment)) {
            int exit = process.awaitExit(LIMIT);
            assertEquals(0, exit, String.join(" ", command) + " failed:\n" + process.output());
            return process.output();
        }
    }

    /** {@code docker ARGUMENTS...} with this JVM's environment. */
    static String docker(String... arguments) throws Exception {
        return run(
                Stream.concat(Stream.of("docker"), Arrays.stream(arguments)).toList(), Path.of("."), System.getenv());
    }

    /** The last line of a command's output (the answer, after any warnings). */
    static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** Docker runs the image's HEALTHCHECK (GET /health) every 10 s: waits for a good one. */
    static void awaitHealthy(String container, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = lastLine(docker("inspect", "--format", "{{.State.Health.Status}}", container));
            if (status.equals("healthy")) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        }
        throw new AssertionError(container + " is " + status + ", not healthy:\n" + docker("logs", container));
    }
}
