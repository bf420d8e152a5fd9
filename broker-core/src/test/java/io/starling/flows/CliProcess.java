package io.starling.flows;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A command-line client (mosquitto_pub / mosquitto_sub) run as a process: its output lines
 * (stdout and stderr) are collected as they come; every wait is bounded; {@link #close}
 * kills it if it is still running.
 */
final class CliProcess implements AutoCloseable {

    private final Process process;
    private final Thread reader;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private CliProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::pump, "cli-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts the command with its standard output line-buffered (stdbuf -oL): on a pipe the
     * mosquitto clients would otherwise hold their output back until they exit.
     */
    static CliProcess start(String... command) throws IOException {
        List<String> full = new ArrayList<>(List.of("/usr/bin/stdbuf", "-oL"));
        full.addAll(List.of(command));
        return new CliProcess(new ProcessBuilder(full).redirectErrorStream(true).start());
    }

    private void pump() {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the process was killed
        }
    }

    /** Waits for an output line matching the predicate; returns it. */
    String awaitLine(Predicate<String> matcher, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                fail("no matching output line within " + timeout.toMillis() + " ms; output so far: " + seen);
            }
            seen.add(line);
            if (matcher.test(line)) {
                return line;
            }
        }
    }

    /** Waits for the process to end and returns its exit code. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("process did not end within " + timeout.toMillis() + " ms; output: " + output());
        }
        return process.exitValue();
    }

    /** Every output line so far; once the process has ended, all of them (the reader is given 5 s to finish). */
    List<String> output() {
        if (!process.isAlive()) {
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lines.drainTo(seen);
        return List.copyOf(seen);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
