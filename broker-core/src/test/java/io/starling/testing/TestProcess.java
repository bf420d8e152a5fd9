package io.starling.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An external process (a broker JVM, bin/starling, mosquitto_sub, node, ...) whose standard
 * output and error are collected line by line, so a test can wait for a line with a time limit.
 */
public final class TestProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;
    private boolean ended; // the output is read to its end; guarded by lines

    private TestProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.reader = new Thread(this::collect, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} in {@code directory} with exactly {@code environment}. */
    public static TestProcess start(List<String> command, Path directory, Map<String, String> environment)
            throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(environment);
        return new TestProcess(Path.of(command.get(0)).getFileName().toString(), builder.start());
    }

    private void collect() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended; what was read is kept.
        } finally {
            synchronized (lines) {
                ended = true;
                lines.notifyAll();
            }
        }
    }

    /** Waits for a line matching {@code pattern}; fails with the output if the process ends first or time runs out. */
    public Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    Matcher matcher = pattern.matcher(lines.get(checked));
                    if (matcher.find()) {
                        return matcher;
                    }
                }
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMillis <= 0 || ended) {
                    throw new AssertionError(name + ": no line matching '" + pattern + "' within " + timeout
                            + (ended ? " (it ended)" : "") + "; output:\n" + output());
                }
                lines.wait(leftMillis);
            }
        }
    }

    /**
     * Waits for a line containing {@code text} at or after line {@code fromLine} (see
     * {@link #lineCount}); returns its index. Fails with the output if the process ends first
     * or time runs out.
     */
    public int awaitLine(String text, int fromLine, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int checked = fromLine;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (lines.get(checked).contains(text)) {
                        return checked;
                    }
                }
                long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMillis <= 0 || ended) {
                    throw new AssertionError(name + ": no line with '" + text + "' within " + timeout
                            + (ended ? " (it ended)" : "") + "; output:\n" + output());
                }
                lines.wait(leftMillis);
            }
        }
    }

    /** How many output lines were read so far. */
    public int lineCount() {
        synchronized (lines) {
            return lines.size();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL. */
    public void kill() {
        process.toHandle().destroyForcibly();
    }

    /** Waits for the process to end and its output to be read; returns the exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout + "; output:\n" + output());
        }
        reader.join(timeout.toMillis());
        return process.exitValue();
    }

    /** SIGTERM, through the handle: {@code Process.destroy} would also close the output pipe. */
    public void terminate() {
        process.toHandle().destroy();
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        return outputFrom(0);
    }

    /** The output lines from line {@code fromLine} on. */
    public String outputFrom(int fromLine) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.min(fromLine, lines.size()), lines.size()));
        }
    }

    /**
     * Stops several processes at once: SIGTERM to all, then up to {@code grace} for each to
     * exit, then SIGKILL for any still running. (Terminating all first lets them shut down in
     * parallel.)
     */
    public static void stopAll(List<TestProcess> processes, Duration grace) throws InterruptedException {
        for (TestProcess process : processes) {
            process.terminate();
        }
        for (TestProcess process : processes) {
            try {
                process.awaitExit(grace);
            } catch (AssertionError e) {
                // close() below kills it.
            }
            process.close();
        }
    }

    /** Kills the process (SIGKILL) if a test left it running. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.toHandle().destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
