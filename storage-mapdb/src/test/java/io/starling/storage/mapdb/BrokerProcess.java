package io.starling.storage.mapdb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code io.starling.Main} in its own JVM, on this test's class path. Its output goes
 * to a log file; the port it listens on is read from its "Opening ipv4 listen socket" line.
 */
final class BrokerProcess {

    private static final Pattern LISTENING = Pattern.compile("listen socket on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private BrokerProcess(Process process, Path log) {
        this.process = process;
        Thread reader = new Thread(() -> copyOutput(log), "broker-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the broker with the configuration file and waits (bounded) until it listens. */
    static BrokerProcess start(Path config, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
            "io.starling.Main", "-c", config.toString()))
            .redirectErrorStream(true)
            .start();
        BrokerProcess broker = new BrokerProcess(process, log);
        try {
            broker.port.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            broker.kill();
            throw new AssertionError("the broker did not start listening; see " + log, e);
        }
        return broker;
    }

    String url() {
        return "tcp://127.0.0.1:" + port.join();
    }

    /** SIGKILL: no shutdown hook, no final commit. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("the broker survived SIGKILL for 30 s");
        }
    }

    /** SIGTERM: a clean stop. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }

    private void copyOutput(Path log) {
        try (BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                 StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardOpenOption.CREATE,
                 StandardOpenOption.APPEND))) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                file.println(line);
                file.flush();
                Matcher listening = LISTENING.matcher(line);
                if (listening.find()) {
                    port.complete(Integer.parseInt(listening.group(1)));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IllegalStateException("the broker exited before listening"));
    }
}
