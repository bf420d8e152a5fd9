package io.starling.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code io.starling.Main -c FILE} in a JVM of its own, on the test's class path, as a user
 * would run it. Its console output is collected line by line; the listening port is read from
 * the broker's "Opening ipv4 listen socket" line.
 */
final class BrokerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Opening ipv4 listen socket on 127\\.0\\.0\\.1:(\\d+)");
    private static final String END = "\0end of output";

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer output = new StringBuffer();

    private BrokerProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(this::collectOutput, "broker-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    static BrokerProcess start(Path config) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new BrokerProcess(new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
            "io.starling.Main", "-c", config.toString()).redirectErrorStream(true).start());
    }

    /** The port once the broker listens; fails with the broker's output if it exits or takes too long. */
    int awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(END)) {
                throw new AssertionError("the broker did not start listening:\n" + output);
            }
            Matcher listening = LISTENING.matcher(line);
            if (listening.find()) {
                return Integer.parseInt(listening.group(1));
            }
        }
    }

    /** The exit status; fails if the process is still running after a minute. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the broker is still running:\n" + output);
        }
        return process.exitValue();
    }

    String output() {
        return output.toString();
    }

    private void collectOutput() {
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                output.append(line).append('\n');
                lines.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            lines.add(END);
        }
    }

    /** SIGTERM, which stops the broker cleanly; SIGKILL if it has not exited within ten seconds. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (process.waitFor(10, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.destroyForcibly();
    }
}
