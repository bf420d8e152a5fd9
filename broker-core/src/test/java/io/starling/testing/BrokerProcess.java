package io.starling.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code io.starling.Main} in a JVM of its own (on the test class path), for tests
 * of start-up, signals and crashes. Its output is collected; {@link #awaitPort} waits for the
 * listener line and returns the port it reports.
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Opening ipv4 listen socket on [^ ]*:(\\d+)");

    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final Thread reader;

    private BrokerProcess(Process process) {
        this.process = process;
        this.reader = new Thread(this::collect, "broker-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code io.starling.Main} with the given arguments and extra environment. */
    public static BrokerProcess start(List<String> args, java.util.Map<String, String> environment) throws IOException {
        return start(List.of(), args, environment);
    }

    /**
     * Starts {@code io.starling.Main} in a JVM with extra options (e.g. the {@code --add-opens}
     * flags Hazelcast asks for; they come after the default {@code -Xmx256m}, so they may
     * override it), the given arguments and extra environment.
     */
    public static BrokerProcess start(List<String> jvmArgs, List<String> args, java.util.Map<String, String> environment)
        throws IOException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("-Xmx256m");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.starling.Main");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new BrokerProcess(builder.start());
    }

    private void collect() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // The process ended; what was read is kept.
        }
    }

    /** Waits for the listener's log line; fails with the output if the process exits or time runs out. */
    public int awaitPort(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    Matcher matcher = LISTENING.matcher(line);
                    if (matcher.find()) {
                        return Integer.parseInt(matcher.group(1));
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("broker did not start listening; output:\n" + String.join("\n", lines));
                }
                lines.wait(Math.min(left, 100));
            }
        }
    }

    /**
     * Waits for an output line containing {@code text} at or after line {@code fromLine}
     * (see {@link #lineCount}); returns its index. Fails with the output if the process exits
     * or time runs out.
     */
    public int awaitLine(String text, int fromLine, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lines) {
            while (true) {
                for (int i = fromLine; i < lines.size(); i++) {
                    if (lines.get(i).contains(text)) {
                        return i;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || !process.isAlive() && !reader.isAlive()) {
                    throw new AssertionError("no line with '" + text + "' in the output:\n" + String.join("\n", lines));
                }
                lines.wait(Math.min(left, 100));
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

    /** Waits for the process to end and for its output to be read; returns the exit code. */
    public int awaitExit(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new AssertionError("broker did not exit; output:\n" + output());
        }
        reader.join(timeoutMillis);
        return process.exitValue();
    }

    /** SIGTERM. (Through the handle: {@code Process.destroy} would also close the output pipe.) */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** SIGKILL. */
    public void kill() {
        process.toHandle().destroyForcibly();
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
