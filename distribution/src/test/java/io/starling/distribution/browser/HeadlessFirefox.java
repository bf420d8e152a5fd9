package io.starling.distribution.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.ImmutableCapabilities;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * Debian's Firefox ESR, headless, in a profile of its own, driven through Marionette by
 * {@link MarionetteCommandExecutor}. Marionette listens on a port of the system's choosing
 * (port 0), which Firefox writes to the profile's {@code MarionetteActivePort} file.
 */
public final class HeadlessFirefox implements AutoCloseable {

    private static final long START_MILLIS = 60_000;

    private final Process process;
    private final RemoteWebDriver driver;

    private HeadlessFirefox(Process process, RemoteWebDriver driver) {
        this.process = process;
        this.driver = driver;
    }

    /**
     * @param binary  the firefox-esr program
     * @param profile an empty directory for the profile
     * @param log     where Firefox's own output goes
     */
    public static HeadlessFirefox start(String binary, Path profile, Path log, int width, int height)
            throws IOException, InterruptedException {
        Files.writeString(
                profile.resolve("user.js"),
                String.join(
                        "\n",
                        "user_pref(\"marionette.port\", 0);",
                        "user_pref(\"intl.accept_languages\", \"en\");",
                        "user_pref(\"browser.shell.checkDefaultBrowser\", false);",
                        "user_pref(\"datareporting.policy.dataSubmissionEnabled\", false);",
                        "user_pref(\"toolkit.telemetry.reportingpolicy.firstRun\", false);",
                        "user_pref(\"app.update.disabledForTesting\", true);",
                        "user_pref(\"browser.startup.homepage_override.mstone\", \"ignore\");",
                        ""));
        ProcessBuilder builder = new ProcessBuilder(
                        binary, "--headless", "--marionette", "--no-remote", "--profile", profile.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("MOZ_HEADLESS_WIDTH", Integer.toString(width));
        builder.environment().put("MOZ_HEADLESS_HEIGHT", Integer.toString(height));
        Process process = builder.start();
        try {
            int port = awaitPort(process, profile.resolve("MarionetteActivePort"));
            RemoteWebDriver driver = new RemoteWebDriver(
                    new MarionetteCommandExecutor(port), new ImmutableCapabilities("browserName", "firefox"));
            return new HeadlessFirefox(process, driver);
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static int awaitPort(Process process, Path portFile) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Firefox exited with " + process.exitValue() + " before Marionette listened");
            }
            if (Files.exists(portFile)) {
                String text = Files.readString(portFile).trim();
                if (!text.isEmpty()) {
                    return Integer.parseInt(text);
                }
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new IOException("Firefox's Marionette did not listen within " + START_MILLIS + " ms");
    }

    public WebDriver driver() {
        return driver;
    }

    /** Ends the session and Firefox with it; kills Firefox if it does not exit. */
    @Override
    public void close() throws InterruptedException {
        try {
            driver.quit();
        } finally {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
