package io.starling.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The real {@code io.starling.Main} in a JVM of its own (on the test class path), for tests
 * of start-up, signals, crashes and clusters. {@link #awaitPort} waits for the listener line
 * and returns the port it reports.
 */
public final class BrokerProcess implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Opening ipv4 listen socket on [^ ]*:(\\d+)");
    private static final Pattern HTTP_LISTENING = Pattern.compile("Opening http listen socket on [^ ]*:(\\d+)");

    private final TestProcess process;
    private volatile int port;

    private BrokerProcess(TestProcess process) {
        this.process = process;
    }

    /** Starts {@code io.starling.Main} with the given arguments and extra environment. */
    public static BrokerProcess start(List<String> args, Map<String, String> environment) throws IOException {
        return start(List.of(), args, environment);
    }

    /**
     * Starts {@code io.starling.Main} in a JVM with extra options (e.g. the {@code --add-opens}
     * flags Hazelcast asks for; they come after the default {@code -Xmx256m}, so they may
     * override it), the given arguments and this JVM's environment plus {@code environment}.
     */
    public static BrokerProcess start(List<String> jvmArgs, List<String> args, Map<String, String> environment)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        command.add("-Xmx256m");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.starling.Main");
        command.addAll(args);
        Map<String, String> fullEnvironment = new HashMap<>(System.getenv());
        fullEnvironment.putAll(environment);
        return new BrokerProcess(TestProcess.start(command, Path.of("").toAbsolutePath(), fullEnvironment));
    }

    /** Waits for the listener's log line; fails with the output if the process exits or time runs out. */
    public int awaitPort(long timeoutMillis) throws InterruptedException {
        port = Integer.parseInt(
                process.awaitLine(LISTENING, Duration.ofMillis(timeoutMillis)).group(1));
        return port;
    }

    /** The MQTT listener's URL, once {@link #awaitPort} returned. */
    public String url() {
        if (port == 0) {
            throw new IllegalStateException("awaitPort first");
        }
        return "tcp://127.0.0.1:" + port;
    }

    /** Waits for the HTTP listener's log line (/metrics, /health) and returns its port. */
    public int awaitHttpPort(long timeoutMillis) throws InterruptedException {
        return Integer.parseInt(process.awaitLine(HTTP_LISTENING, Duration.ofMillis(timeoutMillis))
                .group(1));
    }

    /**
     * Waits for an output line containing {@code text} at or after line {@code fromLine}
     * (see {@link #lineCount}); returns its index.
     */
    public int awaitLine(String text, int fromLine, long timeoutMillis) throws InterruptedException {
        return process.awaitLine(text, fromLine, Duration.ofMillis(timeoutMillis));
    }

    /** How many output lines were read so far. */
    public int lineCount() {
        return process.lineCount();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end and for its output to be read; returns the exit code. */
    public int awaitExit(long timeoutMillis) throws InterruptedException {
        return process.awaitExit(Duration.ofMillis(timeoutMillis));
    }

    /** SIGTERM. */
    public void terminate() {
        process.terminate();
    }

    /** SIGKILL. */
    public void kill() {
        process.kill();
    }

    /**
     * SIGSTOP: the process stays, its sockets stay open, it answers nothing (a frozen VM, a
     * very long GC pause, a network cut as its peers see it).
     */
    public void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid()))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    public long pid() {
        return process.pid();
    }

    public String output() {
        return process.output();
    }

    /** The output lines from line {@code fromLine} on (see {@link #lineCount}), for failure messages. */
    public String outputFrom(int fromLine) {
        return process.outputFrom(fromLine);
    }

    /** {@link TestProcess#stopAll} for brokers. */
    public static void stopAll(List<BrokerProcess> brokers, Duration grace) throws InterruptedException {
        TestProcess.stopAll(brokers.stream().map(broker -> broker.process).toList(), grace);
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
